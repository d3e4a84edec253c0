/**
 * AWS SDK errors as ObservationErrors: what call, which account and region, the AWS error
 * code, and for access denied the IAM action to grant. Messages never carry request
 * parameters beyond resource names (no credentials, no secret values).
 */
import type { ObservationError } from "../../model/observation.js";

const ACCESS_DENIED = /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnauthorizedAccess|AuthorizationError|AuthFailure)$/;
const THROTTLED = /^(Throttling|ThrottlingException|RequestLimitExceeded|TooManyRequestsException|RequestThrottled|SlowDown)$/;

export interface CallSite {
  /** The IAM action of the call, e.g. `rds:DescribeDBParameters`. */
  action: string;
  /** The resource the call was about, e.g. the parameter group name. */
  key?: string;
  account: string;
  region: string;
}

export function sourceOfCall(site: Pick<CallSite, "action" | "key">): string {
  return site.key === undefined ? site.action : `${site.action} ${site.key}`;
}

export function errorCode(err: unknown): string {
  const e = err as { name?: unknown; Code?: unknown; code?: unknown };
  for (const c of [e?.name, e?.Code, e?.code]) if (typeof c === "string" && c !== "Error" && c.length > 0) return c;
  return "Error";
}

function firstLine(message: unknown): string {
  if (typeof message !== "string") return "";
  // AWS access-denied messages name the caller's ARN and action, which is useful, but keep it to one line.
  return message.split("\n")[0]?.trim().slice(0, 300) ?? "";
}

export function isAccessDenied(code: string): boolean {
  return ACCESS_DENIED.test(code);
}

export function toObservationError(err: unknown, site: CallSite): ObservationError {
  const code = errorCode(err);
  const detail = firstLine((err as { message?: unknown })?.message);
  let reason: string;
  if (isAccessDenied(code)) {
    reason = `access denied: the auditor's role lacks ${site.action} in account ${site.account} (${code})`;
  } else if (THROTTLED.test(code)) {
    reason = `throttled by AWS after the SDK's retries (${code})`;
  } else if (code === "TimeoutError" || code === "RequestTimeout" || code === "ETIMEDOUT") {
    reason = `the call timed out (${code})`;
  } else {
    reason = `${code}${detail ? `: ${detail}` : ""}`;
  }
  return { source: sourceOfCall(site), reason, code, account: site.account, region: site.region };
}
