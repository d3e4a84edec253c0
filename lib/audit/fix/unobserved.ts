/**
 * The fix for an ERROR: what to change so the auditor can observe what it could not (an
 * IAM action, a network path, a credential, a missing export), never the remediation of
 * the fault the check looks for — nobody knows yet whether there is one.
 */
import type { CheckResult, Fix, ObservationError } from "../findings/model.js";

const NETWORK = /^(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ECONNRESET|TimeoutError|Timeout|EPROTO)$/;
const AUTH = /^(28P01|28000|WRONGPASS|NOAUTH|AuthFailed)$/;
const IAM_ACTION = /^([a-z0-9-]+:[A-Za-z0-9]+)(?: |$)/;

function where(cause: ObservationError): string {
  return cause.account ? ` in account ${cause.account}${cause.region ? `, region ${cause.region}` : ""}` : "";
}

export function unobservedFix(result: CheckResult): Fix {
  const cause = result.cause ?? { source: result.resource.id, reason: result.message };
  const code = cause.code ?? "";
  const action = IAM_ACTION.exec(cause.source)?.[1];
  if (action && /denied|Unauthorized|AccessDenied|AuthFailure/i.test(`${code} ${cause.reason}`)) {
    return {
      kind: "manual",
      text: `Allow ${action} for the auditor's role${where(cause)} (the deployed stack's read-only policy has it; a hand-made role or an SCP may not), then run the audit again.`,
      commands: [],
    };
  }
  if (code === "NotCaptured" || code === "NotCollected") {
    return {
      kind: "manual",
      text: `Capture ${cause.ref ?? cause.source}${where(cause)} (queue-auditor snapshot writes every file the checks need; by hand, save the AWS CLI's --output json of that call under its name) and run the audit again.`,
      commands: [],
    };
  }
  if (NETWORK.test(code)) {
    return {
      kind: "manual",
      text: `Open the network path from the probe to ${cause.source}: the probe's security group must be admitted by the backend's on its port, and the subnets' routes and network ACLs must allow it (${code}).`,
      commands: [],
    };
  }
  if (AUTH.test(code)) {
    return {
      kind: "manual",
      text: `Give the auditor a working credential for ${cause.source}: check the user name and the password source (env, secret or IAM) in the config, and that the secret holds the current password (${code}).`,
      commands: [],
    };
  }
  if (code === "42501" || code === "NOPERM" || code === "CredentialsWithheld") {
    return {
      kind: "manual",
      text: `The auditor's user may not read what the check needs on ${cause.source}: grant it the read-only role of docs/postgres.md or docs/redis.md (${code}).`,
      commands: [],
    };
  }
  if (code === "TargetNotFound" || code === "42P01" || code === "3F000" || code === "NothingInScope") {
    return {
      kind: "manual",
      text: `Correct the config: ${cause.reason}. The ids, tag, accounts and regions (or tables and schemas) must name what exists.`,
      commands: [],
    };
  }
  return {
    kind: "manual",
    text: `Make ${cause.source} observable${where(cause)} and run the audit again: ${cause.reason}.`,
    commands: [],
  };
}
