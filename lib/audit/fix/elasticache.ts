/**
 * Fixes for the ElastiCache checks, with the API of the resource kind the finding is about:
 * modify-replication-group, modify-cache-cluster, modify-serverless-cache, modify-user-group.
 */
import type { AuditContext } from "../checks/types.js";
import type { CheckResult, Fix } from "../findings/model.js";
import { awsCommand, regionOption } from "./quote.js";

type CacheKind = "replication-group" | "cache-cluster" | "serverless-cache";

function kindOf(result: CheckResult): CacheKind | undefined {
  switch (result.resource.type) {
    case "AWS::ElastiCache::ReplicationGroup":
      return "replication-group";
    case "AWS::ElastiCache::CacheCluster":
      return "cache-cluster";
    case "AWS::ElastiCache::ServerlessCache":
      return "serverless-cache";
    default:
      return undefined;
  }
}

const ID_OPTION: Record<CacheKind, string> = {
  "replication-group": "--replication-group-id",
  "cache-cluster": "--cache-cluster-id",
  "serverless-cache": "--serverless-cache-name",
};

function modify(result: CheckResult, kind: CacheKind, options: (readonly [string, string?])[]): string {
  return awsCommand("elasticache", `modify-${kind}`, [
    ...regionOption(result.resource.region),
    [ID_OPTION[kind], result.resource.id],
    ...options,
  ]);
}

const TOKEN_NOTE =
  "Generate the token into Secrets Manager first (aws secretsmanager create-secret … --generate-secret-string) and pass it from there; never type it on a command line that lands in shell history.";

export function authDisabledFix(result: CheckResult): Fix | undefined {
  const kind = kindOf(result);
  if (!kind) return undefined;
  if (kind === "serverless-cache") {
    return {
      kind: "manual",
      text: `Client change first: create an RBAC user group whose default user is off and whose users the workers log in as, move the workers to those users, then attach it to ${result.resource.id}.`,
      commands: [modify(result, kind, [["--user-group-id", "USER_GROUP_ID"]])],
    };
  }
  if (kind === "cache-cluster") {
    return {
      kind: "manual",
      text: `Client change first: ${result.resource.id} is a stand-alone cache cluster, which takes an AUTH token only where in-transit encryption is on (set at creation). Give clients the token, then set it with the ROTATE strategy so the old (empty) setting is not cut off before they switch. ${TOKEN_NOTE}`,
      commands: [
        modify(result, kind, [["--auth-token", "$AUTH_TOKEN"], ["--auth-token-update-strategy", "ROTATE"], ["--apply-immediately"]]),
      ],
    };
  }
  return {
    kind: "manual",
    text: `Client change first: attach an RBAC user group whose default user is off to ${result.resource.id} once the workers log in as its users, or set an AUTH token with the ROTATE strategy. ${TOKEN_NOTE}`,
    commands: [modify(result, kind, [["--user-group-ids-to-add", "USER_GROUP_ID"], ["--apply-immediately"]])],
  };
}

export function transitEncryptionFix(result: CheckResult): Fix | undefined {
  const kind = kindOf(result);
  if (!kind || kind === "serverless-cache") return undefined;
  const subject = result.subject;
  if (kind === "cache-cluster") {
    return {
      kind: "manual",
      text: `Replacement: ${result.resource.id} is a stand-alone cache cluster, whose in-transit encryption is fixed at creation. Create a replication group (or a new cluster) with --transit-encryption-enabled, move clients to it with TLS, then delete ${result.resource.id}.`,
      commands: [],
    };
  }
  if (subject === "TransitEncryptionMode") {
    return {
      kind: "manual",
      text: `Client change first: every client of ${result.resource.id} must connect with TLS before plaintext is refused. Check the connections (engine log, CurrConnections per protocol), then switch the mode to required.`,
      commands: [modify(result, kind, [["--transit-encryption-mode", "required"], ["--apply-immediately"]])],
    };
  }
  return {
    kind: "manual",
    text: `Client change first, in two steps: enable in-transit encryption in preferred mode (plaintext still accepted), move every client of ${result.resource.id} to TLS, then switch the mode to required. Redis OSS 7 or later / Valkey is needed for the online change.`,
    commands: [
      modify(result, kind, [["--transit-encryption-enabled"], ["--transit-encryption-mode", "preferred"], ["--apply-immediately"]]),
      modify(result, kind, [["--transit-encryption-mode", "required"], ["--apply-immediately"]]),
    ],
  };
}

export function atRestFix(result: CheckResult): Fix {
  return {
    kind: "manual",
    text: `Replacement: at-rest encryption of ${result.resource.id} is fixed at creation. Take a backup, create a new replication group from it with --at-rest-encryption-enabled, move clients, then delete ${result.resource.id}.`,
    commands: [
      awsCommand("elasticache", "create-snapshot", [
        ...regionOption(result.resource.region),
        [result.resource.type === "AWS::ElastiCache::CacheCluster" ? "--cache-cluster-id" : "--replication-group-id", result.resource.id],
        ["--snapshot-name", `${result.resource.id}-before-encryption`],
      ]),
    ],
  };
}

export function tokenStaleFix(result: CheckResult): Fix | undefined {
  const kind = kindOf(result);
  if (!kind || kind === "serverless-cache") return undefined;
  return {
    kind: "manual",
    text: `Rotate ${result.resource.id}'s AUTH token without an outage: set the new token with the ROTATE strategy (both tokens work), move every client to it, then run the SET strategy to retire the old one. ${TOKEN_NOTE}`,
    commands: [
      modify(result, kind, [["--auth-token", "$NEW_AUTH_TOKEN"], ["--auth-token-update-strategy", "ROTATE"], ["--apply-immediately"]]),
      modify(result, kind, [["--auth-token", "$NEW_AUTH_TOKEN"], ["--auth-token-update-strategy", "SET"], ["--apply-immediately"]]),
    ],
  };
}

export function defaultUserFix(result: CheckResult): Fix | undefined {
  const e = result.evidence as { userGroupId?: string; userId?: string };
  if (!e.userGroupId || !e.userId) return undefined;
  const region = regionOption(result.resource.region);
  const closedId = `${e.userGroupId}-default-off`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 40);
  return {
    kind: "manual",
    text: `Client change first: anything that connects to ${result.resource.id} without a user name runs as default user ${e.userId} of ${e.userGroupId}. Move those clients to their own users, then swap in a default user that is off: create it (user name default, access string off), add it to ${e.userGroupId} and remove ${e.userId} in one modify-user-group call.`,
    commands: [
      awsCommand("elasticache", "create-user", [
        ...region,
        ["--user-id", closedId],
        ["--user-name", "default"],
        ["--engine", "redis"],
        ["--access-string", "off -@all"],
        ["--authentication-mode", "Type=no-password-required"],
      ]),
      awsCommand("elasticache", "modify-user-group", [
        ...region,
        ["--user-group-id", e.userGroupId],
        ["--user-ids-to-add", closedId],
        ["--user-ids-to-remove", e.userId],
      ]),
    ],
  };
}

export function logsFix(result: CheckResult, _ctx: AuditContext): Fix | undefined {
  const kind = kindOf(result);
  if (!kind || kind === "serverless-cache") return undefined;
  const logGroup = `/aws/elasticache/${result.resource.id}/engine-log`;
  const config = `LogType=engine-log,DestinationType=cloudwatch-logs,DestinationDetails={CloudWatchLogsDetails={LogGroup=${logGroup}}},LogFormat=json,Enabled=true`;
  return {
    kind: "aws-cli",
    text: `Deliver ${result.resource.id}'s engine log to CloudWatch Logs group ${logGroup} (create the group first; no restart).`,
    commands: [
      awsCommand("logs", "create-log-group", [...regionOption(result.resource.region), ["--log-group-name", logGroup]]),
      modify(result, kind, [["--log-delivery-configurations", config], ["--apply-immediately"]]),
    ],
  };
}
