/**
 * Which accounts to audit and with what credentials: the credentials' own account by
 * default (sts:GetCallerIdentity), else each `aws.accounts[]`, through its role when it
 * names one, else every account `aws.organization` finds, through its `roleName`
 * (sts:AssumeRole, 15-minute sessions renewed as they run out).
 */

import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { Config } from "../../config/schema.js";
import { AUDITOR_SESSION_NAME } from "../../iam.js";
import type { ObservationError } from "../../model/observation.js";
import type { Credentials } from "./clients.js";
import { errorCode, isAccessDenied } from "./errors.js";
import type { Limit } from "./limit.js";
import { organizationAccounts } from "./organization.js";

export interface AccountAccess {
  account: string;
  /** Undefined: the base credentials. */
  credentials?: Credentials;
  /** Why the account cannot be collected at all; every part of its partitions carries it. */
  error?: Omit<ObservationError, "region">;
}

export const ASSUMED_ROLE_SECONDS = 900;
/** Renew an assumed role's credentials this long before they expire. */
const RENEW_BEFORE_MS = 120_000;

function stsError(err: unknown, action: string, key: string | undefined, account: string, what: string): Omit<ObservationError, "region"> {
  const code = errorCode(err);
  const reason = isAccessDenied(code)
    ? `${what}: access denied (${code}); the auditing principal needs ${action}${key ? ` on ${key}` : ""} and the role's trust policy must allow it`
    : `${what}: ${code}`;
  return { source: key ? `${action} ${key}` : action, reason, code, account };
}

async function assume(sts: STSClient, roleArn: string, externalId: string | undefined): Promise<AwsCredentialIdentity> {
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: AUDITOR_SESSION_NAME,
      DurationSeconds: ASSUMED_ROLE_SECONDS,
      ...(externalId ? { ExternalId: externalId } : {}),
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey)
    throw Object.assign(new Error("AssumeRole returned no credentials"), { name: "NoCredentials" });
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
    ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
  };
}

/** The credentials of a role, renewed before they run out; assumed once now so a refusal shows at once. */
async function roleCredentials(sts: STSClient, roleArn: string, externalId: string | undefined, limit?: Limit): Promise<Credentials> {
  const call = () => assume(sts, roleArn, externalId);
  // Urgent: the account's whole collection waits for its credentials.
  let current = await (limit ? limit(call, true) : call());
  return async () => {
    if (current.expiration && current.expiration.getTime() - Date.now() < RENEW_BEFORE_MS) current = await call();
    return current;
  };
}

/** `aws`, `aws-cn` or `aws-us-gov`, from a region name: the partition an assumed role's ARN is in. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The role `aws.organization.roleName` names in one account. */
export function memberRoleArn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/** An account found, whose credentials are still being obtained. */
export interface PendingAccess {
  access: Promise<AccountAccess>;
}

export interface OrganizationDeps {
  sts: STSClient;
  organizations: OrganizationsClient;
  limit: Limit;
  /** The region whose partition the member roles' ARNs are in. */
  region: string;
  /** Says which listed accounts were skipped and why (suspended, closing, not found). */
  note: (message: string) => void;
  /**
   * Assume each account's role now (default). False: only list the accounts (the deployed
   * discovery step with a list of regions, whose collect steps assume the roles themselves).
   */
  assumeRoles?: boolean;
}

/**
 * The accounts of `aws.organization`, each with its role's credentials, yielded as the
 * listing finds them. A listing that fails part-way yields what it found, then one
 * access with the error (account: the caller's own), so the run says the organization was
 * not fully enumerated instead of auditing fewer accounts in silence.
 */
export async function* organizationAccess(config: Config, deps: OrganizationDeps): AsyncGenerator<PendingAccess> {
  const org = config.aws.organization;
  if (!org) return;
  const partition = partitionOf(deps.region);
  try {
    for await (const listed of organizationAccounts(org, deps.organizations, deps.limit)) {
      if (!listed.active) {
        deps.note(
          listed.state === "NOT_FOUND"
            ? `account ${listed.id} (aws.organization.include) is not in the organization; not audited`
            : `account ${listed.id} is ${listed.state} in the organization; not audited`,
        );
        continue;
      }
      if (deps.assumeRoles === false) {
        yield { access: Promise.resolve({ account: listed.id }) };
        continue;
      }
      const roleArn = memberRoleArn(partition, listed.id, org.roleName);
      // Wrapped: an async generator would wait for a bare promise before listing on.
      yield {
        access: roleCredentials(deps.sts, roleArn, org.externalId, deps.limit).then(
          (credentials): AccountAccess => ({ account: listed.id, credentials }),
          (err): AccountAccess => ({
            account: listed.id,
            error: stsError(err, "sts:AssumeRole", roleArn, listed.id, `role ${roleArn} could not be assumed`),
          }),
        ),
      };
    }
  } catch (err) {
    const me = await deps.sts.send(new GetCallerIdentityCommand({})).catch(() => undefined);
    const account = me?.Account ?? "unknown";
    const code = errorCode(err);
    const action = "organizations:ListAccounts";
    yield {
      access: Promise.resolve({
        account,
        error: {
          source: action,
          reason: isAccessDenied(code)
            ? `the organization's accounts could not be listed: access denied (${code}); run from the management account or a delegated administrator, with organizations:ListAccounts, ListAccountsForParent and ListOrganizationalUnitsForParent`
            : `the organization's accounts could not be listed: ${code}; accounts not yet found were not audited`,
          code,
          account,
        },
      }),
    };
  }
}

export async function resolveAccounts(config: Config, sts: STSClient): Promise<AccountAccess[]> {
  const accounts = config.aws.accounts;
  if (!accounts || accounts.length === 0) {
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      return [{ account: me.Account ?? "unknown" }];
    } catch (err) {
      return [
        {
          account: "unknown",
          error: stsError(err, "sts:GetCallerIdentity", undefined, "unknown", "the credentials' own account could not be identified"),
        },
      ];
    }
  }
  return Promise.all(
    accounts.map(async (a): Promise<AccountAccess> => {
      if (a.roleArn) {
        const roleArn = a.roleArn;
        try {
          return { account: a.id, credentials: await roleCredentials(sts, roleArn, a.externalId) };
        } catch (err) {
          return { account: a.id, error: stsError(err, "sts:AssumeRole", roleArn, a.id, `role ${roleArn} could not be assumed`) };
        }
      }
      // No role: the base credentials must belong to this very account, or we would audit the wrong one.
      try {
        const me = await sts.send(new GetCallerIdentityCommand({}));
        if (me.Account === a.id) return { account: a.id };
        return {
          account: a.id,
          error: {
            source: "sts:GetCallerIdentity",
            reason: `the credentials belong to account ${me.Account}, not ${a.id}; give the account a roleArn`,
            code: "AccountMismatch",
            account: a.id,
          },
        };
      } catch (err) {
        return {
          account: a.id,
          error: stsError(err, "sts:GetCallerIdentity", undefined, a.id, "the credentials' account could not be identified"),
        };
      }
    }),
  );
}
