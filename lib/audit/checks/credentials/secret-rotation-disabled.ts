import type { CheckResult, ResourceRef } from "../../findings/model.js";
import { observedEntry } from "../../inventory/types.js";
import { ageInDays, asOf, fail, pass, unobserved } from "../results.js";
import type { AuditContext, Check } from "../types.js";

interface SecretRef {
  /** The secret's name (for an ARN, the name inside it without the random suffix). */
  name: string;
  /** For a partial ARN whose name merely ends like a suffix ("queue/app-worker"): the name as written. */
  alsoNamed?: string;
  account?: string;
  region?: string;
  usedBy: string[];
}

/** `arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app-AbCdEf` -> name, account, region. */
export function parseSecretRef(ref: string): Omit<SecretRef, "usedBy"> {
  const match = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/.exec(ref);
  if (!match) return { name: ref };
  const [, region, account, full = ""] = match;
  // Secrets Manager appends '-' and six random characters to the name in ARNs.
  // A partial ARN (no suffix) is indistinguishable when the name ends in '-' and six characters,
  // so the name as written is tried too.
  const suffixed = /-[A-Za-z0-9]{6}$/.test(full);
  const name = suffixed ? full.slice(0, -7) : full;
  return { name, account, region, ...(suffixed ? { alsoNamed: full } : {}) } as Omit<SecretRef, "usedBy">;
}

/** credentials.secrets plus every secret a probe reads its password from. */
export function secretsToCheck(ctx: AuditContext): SecretRef[] {
  const byKey = new Map<string, SecretRef>();
  const add = (ref: string, usedBy: string) => {
    const parsed = parseSecretRef(ref);
    const key = `${parsed.account ?? ""}/${parsed.region ?? ""}/${parsed.name}`;
    const existing = byKey.get(key);
    if (existing) existing.usedBy.push(usedBy);
    else byKey.set(key, { ...parsed, usedBy: [usedBy] });
  };
  for (const ref of ctx.config.credentials.secrets) add(ref, "credentials.secrets");
  for (const target of ctx.config.postgres) {
    if ("secret" in target.connection.password) add(target.connection.password.secret, `postgres ${target.name}`);
  }
  for (const target of ctx.config.mysql) {
    if ("secret" in target.connection.password) add(target.connection.password.secret, `mysql ${target.name}`);
  }
  for (const target of ctx.config.redis) {
    if (target.credentials && "secret" in target.credentials.password) add(target.credentials.password.secret, `redis ${target.name}`);
  }
  return [...byKey.values()];
}

export const secretRotationDisabled: Check = {
  meta: {
    id: "secret-rotation-disabled",
    title: "Queue credential not rotated",
    severity: "medium",
    resourceType: "AWS::SecretsManager::Secret",
    rationale:
      "Database and Redis passwords that never change outlive the people and systems that once knew them; rotation bounds how long a leaked credential stays useful.",
    remediation:
      "Turn on rotation: `aws secretsmanager rotate-secret --secret-id queue-db/app --rotation-lambda-arn … --rotation-rules AutomaticallyAfterDays=30` (RDS-managed master secrets rotate with `--rotation-rules` alone).",
    references: ["AWS Security Hub SecretsManager.1", "AWS Security Hub SecretsManager.4"],
  },
  evaluate(ctx) {
    const maxAge = ctx.config.credentials.maxAgeDays;
    const out: CheckResult[] = [];
    for (const secret of secretsToCheck(ctx)) {
      const partitions = ctx.inventory.partitions.filter(
        (p) => (!secret.account || p.account === secret.account) && (!secret.region || p.region === secret.region),
      );
      const entryIn = (p: (typeof partitions)[number]) => {
        const entry = observedEntry(p, "secrets", secret.name);
        if (entry.ok || secret.alsoNamed === undefined) return entry;
        const asWritten = observedEntry(p, "secrets", secret.alsoNamed);
        return asWritten.ok ? asWritten : entry;
      };
      const found = partitions.flatMap((p) => {
        const entry = entryIn(p);
        return entry.ok ? [{ p, s: entry.value }] : [];
      });
      if (found.length === 0) {
        const first = partitions[0];
        const cause = first
          ? (observedEntry(first, "secrets", secret.name) as { ok: false; error: import("../../findings/model.js").ObservationError }).error
          : {
              source: `secretsmanager:DescribeSecret ${secret.name}`,
              reason: `no AWS inventory covers ${secret.account ?? "the secret's account"}${secret.region ? `/${secret.region}` : ""}`,
              code: "NotCaptured",
            };
        const resource: ResourceRef = { type: "AWS::SecretsManager::Secret", id: secret.name };
        if (secret.account) resource.account = secret.account;
        if (secret.region) resource.region = secret.region;
        out.push(unobserved("secret-rotation-disabled", resource, cause, `the rotation of secret ${secret.name}`));
        continue;
      }
      for (const { p, s } of found) {
        const resource: ResourceRef = {
          type: "AWS::SecretsManager::Secret",
          id: s.Name ?? secret.name,
          account: p.account,
          region: p.region,
        };
        if (s.ARN) resource.arn = s.ARN;
        const at = asOf(p, ctx.now);
        const since = s.LastRotatedDate ?? s.CreatedDate;
        const age = ageInDays(since, at);
        const evidence = {
          RotationEnabled: s.RotationEnabled ?? false,
          LastRotatedDate: s.LastRotatedDate ?? null,
          CreatedDate: s.CreatedDate ?? null,
          ageDays: age ?? null,
          maxAgeDays: maxAge,
          asOf: at.toISOString(),
          usedBy: secret.usedBy,
        };
        const problems: string[] = [];
        if (s.RotationEnabled !== true) problems.push("rotation is not enabled");
        if (age !== undefined && age > maxAge)
          problems.push(`it was last ${s.LastRotatedDate ? "rotated" : "set"} ${age} days ago (limit ${maxAge})`);
        if (problems.length > 0) {
          out.push(
            fail(
              "secret-rotation-disabled",
              resource,
              undefined,
              `Secret ${resource.id}: ${problems.join(" and ")}; turn on automatic rotation.`,
              evidence,
            ),
          );
        } else if (age === undefined) {
          out.push(
            unobserved(
              "secret-rotation-disabled",
              resource,
              {
                source: resource.id,
                reason: "neither LastRotatedDate nor CreatedDate is in the DescribeSecret output",
                code: "NotCaptured",
                account: p.account,
                region: p.region,
              },
              `the age of secret ${resource.id}`,
            ),
          );
        } else {
          out.push(
            pass(
              "secret-rotation-disabled",
              resource,
              `Secret ${resource.id} rotates automatically; last rotated ${age} days ago.`,
              evidence,
            ),
          );
        }
      }
    }
    return out;
  },
};
