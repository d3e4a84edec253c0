/** Which RDS resources each RDS check looks at, and their effective parameters. */
import type { CheckResult, ObservationError } from "../../findings/model.js";
import { observedEntry, type WireDBCluster, type WireDBInstance } from "../../inventory/types.js";
import type { Backend } from "../../scope/index.js";
import type { CheckId } from "../ids.js";
import { unobserved } from "../results.js";
import type { AuditContext } from "../types.js";

export type RdsInstanceBackend = Extract<Backend, { kind: "rds-instance" }>;
export type RdsClusterBackend = Extract<Backend, { kind: "rds-cluster" }>;
export type RdsBackend = RdsInstanceBackend | RdsClusterBackend;

export type EngineFamily = "postgres" | "mysql" | "other";

export function engineFamily(engine: string | undefined): EngineFamily {
  const e = (engine ?? "").toLowerCase();
  if (e === "postgres" || e === "aurora-postgresql") return "postgres";
  if (e === "mysql" || e === "mariadb" || e === "aurora-mysql" || e === "aurora") return "mysql";
  return "other";
}

export function majorVersion(version: string | undefined): number | undefined {
  const major = Number.parseInt((version ?? "").split(".")[0] ?? "", 10);
  return Number.isNaN(major) ? undefined : major;
}

export function settingsOf(backend: RdsBackend): WireDBInstance | WireDBCluster {
  return backend.kind === "rds-instance" ? backend.instance : backend.cluster;
}

/**
 * Resources whose storage, authentication, logging and TLS settings are their own:
 * stand-alone instances and clusters. A cluster member's settings are its cluster's.
 */
export function settingsHolders(ctx: AuditContext): RdsBackend[] {
  return ctx.scope.backends.filter(
    (b): b is RdsBackend => b.kind === "rds-cluster" || (b.kind === "rds-instance" && !b.instance.DBClusterIdentifier),
  );
}

/** Every in-scope instance, and clusters that carry their own public-access flag (Multi-AZ DB clusters). */
export function publicAccessHolders(ctx: AuditContext): RdsBackend[] {
  return ctx.scope.backends.filter(
    (b): b is RdsBackend => b.kind === "rds-instance" || (b.kind === "rds-cluster" && b.cluster.PubliclyAccessible !== undefined),
  );
}

export interface EffectiveParameter {
  name: string;
  /** The value in the parameter group, or undefined when the engine default applies. */
  value: string | undefined;
  group: string;
  groupKind: "DB parameter group" | "DB cluster parameter group";
  /** `pending-reboot` when the group holds changes the running database has not applied yet. */
  applyStatus?: string;
}

export type ParameterLookup = { ok: true; parameter: EffectiveParameter } | { ok: false; error: ObservationError };

/** The parameter as the backend's (cluster) parameter group sets it. */
export function effectiveParameter(backend: RdsBackend, name: string): ParameterLookup {
  const { partition } = backend;
  const group =
    backend.kind === "rds-cluster"
      ? backend.cluster.DBClusterParameterGroup
      : backend.instance.DBParameterGroups?.[0]?.DBParameterGroupName;
  const groupKind = backend.kind === "rds-cluster" ? "DB cluster parameter group" : "DB parameter group";
  if (!group) {
    return {
      ok: false,
      error: {
        source: backend.resource.id,
        reason: `${backend.resource.id} names no ${groupKind}`,
        code: "NoParameterGroup",
        account: partition.account,
        region: partition.region,
      },
    };
  }
  const params = observedEntry(partition, backend.kind === "rds-cluster" ? "dbClusterParameters" : "dbParameters", group);
  if (!params.ok) return { ok: false, error: params.error };
  const found = params.value.find((p) => p.ParameterName === name);
  const applyStatus =
    backend.kind === "rds-instance"
      ? backend.instance.DBParameterGroups?.[0]?.ParameterApplyStatus
      : backend.cluster.DBClusterMembers?.find((m) => m.DBClusterParameterGroupStatus === "pending-reboot")?.DBClusterParameterGroupStatus;
  return { ok: true, parameter: { name, value: found?.ParameterValue, group, groupKind, ...(applyStatus ? { applyStatus } : {}) } };
}

const OFF = new Set(["0", "off", "false", "no", ""]);

/** PostgreSQL/MySQL boolean settings: on, 1, true, yes (and, for log_connections on 18, a list of aspects). */
export function isOn(value: string | undefined): boolean {
  return value !== undefined && !OFF.has(value.trim().toLowerCase());
}

/** The ERROR of a check that does not cover the backend's engine (say, Oracle): it was not judged. */
export function unsupportedEngine(checkId: CheckId, b: RdsBackend, what: string): CheckResult {
  const engine = settingsOf(b).Engine;
  return unobserved(
    checkId,
    b.resource,
    {
      source: b.resource.id,
      reason: `engine ${engine} is not covered by this check`,
      code: "UnsupportedEngine",
      account: b.partition.account,
      region: b.partition.region,
    },
    what,
  );
}

/** Said of a passing value the database may not be running yet (a static change awaiting a reboot). */
export function pendingNote(parameter: EffectiveParameter): string {
  return parameter.applyStatus === "pending-reboot"
    ? ` The ${parameter.groupKind} has changes pending a reboot: until then the running value may differ.`
    : "";
}
