/**
 * Fixes for the RDS checks, for the resource kind the finding is about (instance or
 * cluster) and its own parameter group. Changes that break clients or need a reboot or a
 * new database say so and are `manual`: their commands are the steps to take once the
 * precondition holds, and the plan writes them as comments.
 */
import { type RdsBackend, settingsOf } from "../checks/rds/subjects.js";
import type { AuditContext } from "../checks/types.js";
import type { CheckResult, Fix } from "../findings/model.js";
import type { Backend } from "../scope/index.js";
import { backendAt } from "../scope/lookup.js";
import { awsCommand, regionOption } from "./quote.js";

const isRds = (b: Backend): b is RdsBackend => b.kind === "rds-instance" || b.kind === "rds-cluster";

function backendOf(ctx: AuditContext, result: CheckResult): RdsBackend | undefined {
  return backendAt(ctx.scope, result.resource, isRds);
}

const isCluster = (result: CheckResult) => result.resource.type === "AWS::RDS::DBCluster";

/** `modify-db-instance --db-instance-identifier ID` or `modify-db-cluster --db-cluster-identifier ID`, then `options`. */
function modify(result: CheckResult, options: (readonly [string, string?])[]): string {
  const cluster = isCluster(result);
  return awsCommand("rds", cluster ? "modify-db-cluster" : "modify-db-instance", [
    ...regionOption(result.resource.region),
    [cluster ? "--db-cluster-identifier" : "--db-instance-identifier", result.resource.id],
    ...options,
  ]);
}

export function publicAccessFix(result: CheckResult): Fix {
  // Critical: applied now, not at the next maintenance window. Turning public access off does not restart the database.
  return {
    kind: "aws-cli",
    text: `Turn public access off on ${result.resource.id} now (no restart; its endpoint stops resolving to a public address).`,
    commands: [modify(result, [["--no-publicly-accessible"], ["--apply-immediately"]])],
  };
}

export function iamAuthFix(result: CheckResult): Fix {
  return {
    kind: "aws-cli",
    text: `Enable IAM database authentication on ${result.resource.id} (applied at the next maintenance window), then move workers to IAM tokens (GRANT rds_iam TO the worker role).`,
    commands: [modify(result, [["--enable-iam-database-authentication"]])],
  };
}

export function logsExportFix(result: CheckResult): Fix | undefined {
  const log = (result.evidence as { expected?: string }).expected;
  if (!log) return undefined;
  return {
    kind: "aws-cli",
    text: `Export the ${log} log of ${result.resource.id} to CloudWatch Logs (no restart).`,
    commands: [modify(result, [["--cloudwatch-logs-export-configuration", JSON.stringify({ EnableLogTypes: [log] })]])],
  };
}

export function masterPasswordFix(result: CheckResult): Fix {
  return {
    kind: "manual",
    text: `Client change first: managing ${result.resource.id}'s master password in Secrets Manager replaces the current password with a generated one, so anything logging in as the master user must read it from the new secret first. Then run the command.`,
    commands: [modify(result, [["--manage-master-user-password"]])],
  };
}

export function storageEncryptionFix(result: CheckResult, ctx: AuditContext): Fix {
  const id = result.resource.id;
  const region = regionOption(result.resource.region);
  const b = backendOf(ctx, result);
  const engine = b ? settingsOf(b).Engine : undefined;
  if (isCluster(result)) {
    return {
      kind: "manual",
      text: `Replacement: ${id}'s storage cannot be encrypted in place. Snapshot the cluster, copy the snapshot with a KMS key, restore a new cluster from the copy${engine ? ` (engine ${engine})` : ""}, move clients to it, then retire ${id}.`,
      commands: [
        awsCommand("rds", "create-db-cluster-snapshot", [
          ...region,
          ["--db-cluster-identifier", id],
          ["--db-cluster-snapshot-identifier", `${id}-unencrypted`],
        ]),
        awsCommand("rds", "copy-db-cluster-snapshot", [
          ...region,
          ["--source-db-cluster-snapshot-identifier", `${id}-unencrypted`],
          ["--target-db-cluster-snapshot-identifier", `${id}-encrypted`],
          ["--kms-key-id", "alias/aws/rds"],
        ]),
      ],
    };
  }
  return {
    kind: "manual",
    text: `Replacement: ${id}'s storage cannot be encrypted in place. Snapshot it, copy the snapshot with a KMS key, restore a new instance from the copy, move clients to it, then retire ${id}.`,
    commands: [
      awsCommand("rds", "create-db-snapshot", [
        ...region,
        ["--db-instance-identifier", id],
        ["--db-snapshot-identifier", `${id}-unencrypted`],
      ]),
      awsCommand("rds", "copy-db-snapshot", [
        ...region,
        ["--source-db-snapshot-identifier", `${id}-unencrypted`],
        ["--target-db-snapshot-identifier", `${id}-encrypted`],
        ["--kms-key-id", "alias/aws/rds"],
      ]),
      awsCommand("rds", "restore-db-instance-from-db-snapshot", [
        ...region,
        ["--db-instance-identifier", `${id}-encrypted`],
        ["--db-snapshot-identifier", `${id}-encrypted`],
      ]),
    ],
  };
}

interface ParameterTarget {
  group: string;
  cluster: boolean;
}

function parameterGroupOf(ctx: AuditContext, result: CheckResult): ParameterTarget | undefined {
  const b = backendOf(ctx, result);
  if (!b) return undefined;
  if (b.kind === "rds-cluster")
    return b.cluster.DBClusterParameterGroup ? { group: b.cluster.DBClusterParameterGroup, cluster: true } : undefined;
  const group = b.instance.DBParameterGroups?.[0]?.DBParameterGroupName;
  return group ? { group, cluster: false } : undefined;
}

/** AWS's own groups (`default.postgres16`) cannot be modified: a custom group must be attached first. */
const isDefaultGroup = (group: string) => group.startsWith("default.");

function setParameter(
  result: CheckResult,
  target: ParameterTarget,
  name: string,
  value: string,
  method: "immediate" | "pending-reboot",
): string {
  return awsCommand("rds", target.cluster ? "modify-db-cluster-parameter-group" : "modify-db-parameter-group", [
    ...regionOption(result.resource.region),
    [target.cluster ? "--db-cluster-parameter-group-name" : "--db-parameter-group-name", target.group],
    ["--parameters", `ParameterName=${name},ParameterValue=${value},ApplyMethod=${method}`],
  ]);
}

function defaultGroupFix(result: CheckResult, target: ParameterTarget, name: string, value: string): Fix {
  const kind = target.cluster ? "DB cluster parameter group" : "DB parameter group";
  return {
    kind: "manual",
    text: `${result.resource.id} uses AWS's ${kind} ${target.group}, which cannot be changed: create a custom ${kind} of the same family with ${name} = ${value}, attach it to ${result.resource.id} and reboot it in a maintenance window (attaching a new group needs a reboot).`,
    commands: [],
  };
}

/** rds-tls-not-enforced: client change first — every client must connect with TLS before the server refuses plaintext. */
export function tlsFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const name = (result.evidence as { parameter?: string }).parameter;
  const target = parameterGroupOf(ctx, result);
  if (!name || !target) return undefined;
  const value = name === "rds.force_ssl" ? "1" : "ON";
  if (isDefaultGroup(target.group)) return defaultGroupFix(result, target, name, value);
  return {
    kind: "manual",
    text: `Client change first: once ${name} = ${value}, ${result.resource.id} refuses every connection without TLS. Make every client connect with TLS (sslmode=verify-full, or ssl-mode=VERIFY_IDENTITY for MySQL) and confirm in the logs, then set the parameter in ${target.group}; it applies without a reboot.`,
    commands: [setParameter(result, target, name, value, "immediate")],
  };
}

export function connectionLoggingFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const target = parameterGroupOf(ctx, result);
  if (!target) return undefined;
  if (isDefaultGroup(target.group)) return defaultGroupFix(result, target, "log_connections", "1");
  return {
    kind: "aws-cli",
    text: `Set log_connections to 1 in ${target.group} (a dynamic parameter: no reboot; every database using ${target.group} starts logging connections).`,
    commands: [setParameter(result, target, "log_connections", "1", "immediate")],
  };
}
