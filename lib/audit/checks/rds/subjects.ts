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
  /**
   * The group's ParameterApplyStatus (for a cluster, its members' worst DBClusterParameterGroupStatus):
   * `pending-reboot` when the running database has not applied a change yet, `failed-to-apply` when the group is invalid.
   */
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
    backend.kind === "rds-instance" ? backend.instance.DBParameterGroups?.[0]?.ParameterApplyStatus : clusterApplyStatus(backend.cluster);
  return { ok: true, parameter: { name, value: found?.ParameterValue, group, groupKind, ...(applyStatus ? { applyStatus } : {}) } };
}

/** A cluster's members' status worst first: a member that failed to apply outweighs one pending a reboot. */
const APPLY_STATUS_ORDER = ["failed-to-apply", "pending-reboot", "pending-database-upgrade", "applying"];

function clusterApplyStatus(cluster: WireDBCluster): string | undefined {
  const statuses = new Set((cluster.DBClusterMembers ?? []).map((m) => m.DBClusterParameterGroupStatus));
  return APPLY_STATUS_ORDER.find((status) => statuses.has(status));
}

/**
 * `failed-to-apply` (DBParameterGroupStatus): the group is in an invalid state, so the
 * running value may be anything — a value in the group that passes is not evidence.
 */
export function applyFailed(parameter: EffectiveParameter): boolean {
  return parameter.applyStatus === "failed-to-apply";
}

/** Said of a passing value the running database may not have: the FAIL message when the group failed to apply. */
export function applyFailedMessage(id: string, parameter: EffectiveParameter, value: string | undefined): string {
  return `${id}'s ${parameter.groupKind} ${parameter.group} shows ParameterApplyStatus failed-to-apply: it is in an invalid state, so the running ${parameter.name} may differ from the ${value ?? "default"} it holds; fix the group (or reassign it) and reboot, then check again.`;
}

/**
 * The engine default of `rds.force_ssl` when the group carries no value, and which rule
 * gave it. RDS for PostgreSQL defaults to 1 from major version 15 (0 before); Aurora
 * PostgreSQL documents a default of 0, whatever the version. Undefined: not PostgreSQL, or
 * an RDS for PostgreSQL version that cannot be read.
 */
export function forceSslDefault(engine: string | undefined, version: string | undefined): { value: "0" | "1"; rule: string } | undefined {
  const e = (engine ?? "").toLowerCase();
  if (e === "aurora-postgresql") return { value: "0", rule: "Aurora PostgreSQL default (0, any version)" };
  if (e !== "postgres") return undefined;
  const major = majorVersion(version);
  if (major === undefined) return undefined;
  return major >= 15
    ? { value: "1", rule: "RDS for PostgreSQL default from version 15 (1)" }
    : { value: "0", rule: "RDS for PostgreSQL default before version 15 (0)" };
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
