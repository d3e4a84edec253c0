/**
 * Which accounts to audit and with what credentials: the credentials' own account by
 * default (sts:GetCallerIdentity), else each `aws.accounts[]`, through its role when it
 * names one (sts:AssumeRole, 15-minute sessions renewed as they run out).
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { Config } from "../../config/schema.js";
import { AUDITOR_SESSION_NAME } from "../../iam.js";
import type { ObservationError } from "../../model/observation.js";
import type { Credentials } from "./clients.js";
import { errorCode, isAccessDenied } from "./errors.js";

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
          let current = await assume(sts, roleArn, a.externalId);
          const provider = async () => {
            if (current.expiration && current.expiration.getTime() - Date.now() < RENEW_BEFORE_MS)
              current = await assume(sts, roleArn, a.externalId);
            return current;
          };
          return { account: a.id, credentials: provider };
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
