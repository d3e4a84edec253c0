import { describe, expect, it } from "vitest";
import { parseSecretRef } from "../../../lib/audit/checks/credentials/secret-rotation-disabled.js";
import { config, inventory, partition, secret, verdicts } from "../../support/builders.js";

const cfg = config({ credentials: { maxAgeDays: 90, secrets: ["queue-db/app"] } });
const status = (inv: ReturnType<typeof inventory>, c = cfg) =>
  verdicts("secret-rotation-disabled", c, inv).map((r) => `${r.status} ${r.resource.id}`);

describe("secret-rotation-disabled", () => {
  it("passes a rotated secret and fails one without rotation", () => {
    expect(status(inventory(partition({ secrets: { "queue-db/app": secret("queue-db/app") } })))).toEqual(["PASS queue-db/app"]);
    expect(status(inventory(partition({ secrets: { "queue-db/app": secret("queue-db/app", { RotationEnabled: false }) } })))).toEqual([
      "FAIL queue-db/app",
    ]);
  });

  it("fails a secret last rotated longer ago than maxAgeDays, as of the capture time", () => {
    const old = secret("queue-db/app", { LastRotatedDate: "2026-07-01T00:00:00.000Z" });
    expect(status(inventory(partition({ secrets: { "queue-db/app": old } })))).toEqual(["FAIL queue-db/app"]);
  });

  it("falls back to CreatedDate when the secret never rotated", () => {
    const never = secret("queue-db/app", { LastRotatedDate: undefined, CreatedDate: "2025-01-01T00:00:00.000Z" });
    expect(status(inventory(partition({ secrets: { "queue-db/app": never } })))).toEqual(["FAIL queue-db/app"]);
  });

  it("is an ERROR when the secret was not exported", () => {
    const [result] = verdicts("secret-rotation-disabled", cfg, inventory(partition()));
    expect(result?.status).toBe("ERROR");
    expect(result?.cause?.source).toBe("inv/secretsmanager-describe-secret/queue-db__app.json");
  });

  it("also checks the secrets probes read passwords from", () => {
    const c = config({
      postgres: [
        {
          name: "queue-db",
          connection: { host: "db.example.com", database: "app", user: "queue_auditor", password: { secret: "queue-db/auditor" } },
          tables: ["public.delayed_jobs"],
          owner: "app_migrator",
          principals: {},
        },
      ],
    });
    expect(status(inventory(partition({ secrets: { "queue-db/auditor": secret("queue-db/auditor") } })), c)).toEqual([
      "PASS queue-db/auditor",
    ]);
  });

  it("finds a secret named by a partial ARN whose name ends like a random suffix", () => {
    const c = config({ credentials: { secrets: ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue/app-worker"] } });
    expect(status(inventory(partition({ secrets: { "queue/app-worker": secret("queue/app-worker") } })), c)).toEqual([
      "PASS queue/app-worker",
    ]);
  });

  it("reads names, accounts and regions out of secret ARNs", () => {
    expect(parseSecretRef("arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app-AbCdEf")).toEqual({
      name: "queue-db/app",
      alsoNamed: "queue-db/app-AbCdEf",
      account: "111122223333",
      region: "eu-west-1",
    });
    expect(parseSecretRef("queue-db/app")).toEqual({ name: "queue-db/app" });
  });
});

describe("secret-rotation-disabled: what a verdict says", () => {
  const one = (inv: ReturnType<typeof inventory>, c = cfg) => {
    const [result, ...rest] = verdicts("secret-rotation-disabled", c, inv);
    expect(rest).toEqual([]);
    if (!result) throw new Error("no verdict");
    return result;
  };
  const withSecret = (overrides: Record<string, unknown>) =>
    inventory(partition({ secrets: { "queue-db/app": secret("queue-db/app", overrides) } }));

  it("names the secret as Secrets Manager does, with its account, region and ARN", () => {
    expect(one(withSecret({})).resource).toEqual({
      type: "AWS::SecretsManager::Secret",
      id: "queue-db/app",
      account: "111122223333",
      region: "eu-west-1",
      arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app-AbCdEf",
    });
    const withoutArn = one(withSecret({ ARN: undefined, Name: undefined }));
    // No ARN key at all (not one set to undefined): the finding says only what was observed.
    expect(withoutArn.resource).toStrictEqual({
      type: "AWS::SecretsManager::Secret",
      id: "queue-db/app",
      account: "111122223333",
      region: "eu-west-1",
    });
  });

  it("passes with the age as of the capture time, and keeps what it judged as evidence", () => {
    const result = one(withSecret({}));
    expect(result.status).toBe("PASS");
    expect(result.message).toBe("Secret queue-db/app rotates automatically; last rotated 12 days ago.");
    expect(result.evidence).toEqual({
      RotationEnabled: true,
      LastRotatedDate: "2026-10-20T00:00:00.000Z",
      CreatedDate: "2025-01-01T00:00:00.000Z",
      ageDays: 12,
      maxAgeDays: 90,
      asOf: "2026-11-01T00:00:00.000Z",
      usedBy: ["credentials.secrets"],
    });
  });

  it("says why it fails: rotation off, too old, or both", () => {
    expect(one(withSecret({ RotationEnabled: false })).message).toBe(
      "Secret queue-db/app: rotation is not enabled; turn on automatic rotation.",
    );
    expect(one(withSecret({ RotationEnabled: undefined })).evidence).toMatchObject({ RotationEnabled: false });
    expect(one(withSecret({ LastRotatedDate: "2026-07-01T00:00:00.000Z" })).message).toBe(
      "Secret queue-db/app: it was last rotated 123 days ago (limit 90); turn on automatic rotation.",
    );
    const never = one(withSecret({ RotationEnabled: false, LastRotatedDate: undefined }));
    expect(never.message).toBe(
      "Secret queue-db/app: rotation is not enabled and it was last set 669 days ago (limit 90); turn on automatic rotation.",
    );
    expect(never.evidence).toMatchObject({ LastRotatedDate: null, CreatedDate: "2025-01-01T00:00:00.000Z", ageDays: 669 });
  });

  it("allows exactly maxAgeDays and fails the day after", () => {
    // Captured 2026-11-01: 2026-08-03 is 90 days before, 2026-08-02 is 91.
    expect(one(withSecret({ LastRotatedDate: "2026-08-03T00:00:00.000Z" })).status).toBe("PASS");
    expect(one(withSecret({ LastRotatedDate: "2026-08-02T00:00:00.000Z" })).status).toBe("FAIL");
  });

  it("is an ERROR naming the missing dates when rotation is on but the age is unknown", () => {
    const result = one(withSecret({ LastRotatedDate: undefined, CreatedDate: undefined }));
    expect(result.status).toBe("ERROR");
    expect(result.message).toBe(
      "Could not evaluate the age of secret queue-db/app: neither LastRotatedDate nor CreatedDate is in the DescribeSecret output (queue-db/app).",
    );
    expect(result.cause).toEqual({
      source: "queue-db/app",
      reason: "neither LastRotatedDate nor CreatedDate is in the DescribeSecret output",
      code: "NotCaptured",
      account: "111122223333",
      region: "eu-west-1",
    });
    // Rotation off is a FAIL whatever the dates say.
    expect(one(withSecret({ RotationEnabled: false, LastRotatedDate: undefined, CreatedDate: undefined })).status).toBe("FAIL");
  });

  it("judges a secret that several probes and the config name once, naming every user", () => {
    const c = config({
      credentials: { secrets: ["queue-db/app"] },
      postgres: [
        {
          name: "queue-db",
          connection: { host: "db.example.com", database: "app", user: "queue_auditor", password: { secret: "queue-db/app" } },
          tables: ["public.delayed_jobs"],
          owner: "app_migrator",
          principals: {},
        },
      ],
      mysql: [
        {
          name: "queue-mysql",
          connection: { host: "mysql.example.com", user: "queue_auditor", password: { secret: "queue-db/app" } },
          tables: ["app.delayed_jobs"],
          principals: {},
        },
      ],
      redis: [
        {
          name: "jobs-redis",
          endpoint: { host: "redis.example.com", port: 6379 },
          credentials: { username: "auditor", password: { secret: "jobs-redis/auditor" } },
          queue: "sidekiq",
          principals: {},
        },
      ],
    });
    const inv = inventory(
      partition({ secrets: { "queue-db/app": secret("queue-db/app"), "jobs-redis/auditor": secret("jobs-redis/auditor") } }),
    );
    const results = verdicts("secret-rotation-disabled", c, inv);
    expect(results.map((r) => [r.resource.id, (r.evidence as { usedBy: string[] }).usedBy])).toEqual([
      ["queue-db/app", ["credentials.secrets", "postgres queue-db", "mysql queue-mysql"]],
      ["jobs-redis/auditor", ["redis jobs-redis"]],
    ]);
  });

  it("looks for an ARN's secret only in the ARN's account and region", () => {
    const arn = "arn:aws:secretsmanager:us-east-1:444455556666:secret:queue-db/app-AbCdEf";
    const c = config({ credentials: { secrets: [arn] } });
    const elsewhere = partition({ account: "444455556666", region: "us-east-1", secrets: { "queue-db/app": secret("queue-db/app") } });
    const here = partition({ secrets: { "queue-db/app": secret("queue-db/app", { RotationEnabled: false }) } });
    const results = verdicts("secret-rotation-disabled", c, inventory(here, elsewhere));
    expect(results.map((r) => `${r.status} ${r.resource.account}/${r.resource.region}`)).toEqual(["PASS 444455556666/us-east-1"]);
  });

  it("judges a plain name in every partition that exported it, and is no ERROR where others did not", () => {
    const other = partition({ account: "444455556666", region: "us-east-1", secrets: { "queue-db/app": secret("queue-db/app") } });
    const results = verdicts("secret-rotation-disabled", cfg, inventory(partition(), other));
    expect(results.map((r) => `${r.status} ${r.resource.account}`)).toEqual(["PASS 444455556666"]);
    const both = verdicts(
      "secret-rotation-disabled",
      cfg,
      inventory(partition({ secrets: { "queue-db/app": secret("queue-db/app", { RotationEnabled: false }) } }), other),
    );
    expect(both.map((r) => `${r.status} ${r.resource.account}`)).toEqual(["FAIL 111122223333", "PASS 444455556666"]);
  });

  it("is an ERROR with the ARN's account and region when no inventory covers them", () => {
    const c = config({ credentials: { secrets: ["arn:aws:secretsmanager:us-east-1:444455556666:secret:queue-db/app-AbCdEf"] } });
    const result = one(inventory(partition()), c);
    expect(result.status).toBe("ERROR");
    expect(result.resource).toEqual({
      type: "AWS::SecretsManager::Secret",
      id: "queue-db/app",
      account: "444455556666",
      region: "us-east-1",
    });
    expect(result.cause).toEqual({
      source: "secretsmanager:DescribeSecret queue-db/app",
      reason: "no AWS inventory covers 444455556666/us-east-1",
      code: "NotCaptured",
    });
    expect(result.message).toBe(
      "Could not evaluate the rotation of secret queue-db/app: no AWS inventory covers 444455556666/us-east-1 (secretsmanager:DescribeSecret queue-db/app).",
    );
    const plain = one(inventory(), config({ credentials: { secrets: ["queue-db/app"] } }));
    // A plain name pins no account or region: the resource names none (no key set to undefined).
    expect(plain.resource).toStrictEqual({ type: "AWS::SecretsManager::Secret", id: "queue-db/app" });
    expect(plain.cause?.reason).toBe("no AWS inventory covers the secret's account");
  });

  it("takes a suffixed ARN's name without the suffix, and the name as written only when that is what was exported", () => {
    const c = config({ credentials: { secrets: ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app-AbCdEf"] } });
    const stripped = verdicts("secret-rotation-disabled", c, inventory(partition({ secrets: { "queue-db/app": secret("queue-db/app") } })));
    expect(stripped.map((r) => `${r.status} ${r.resource.id}`)).toEqual(["PASS queue-db/app"]);
    const neither = one(inventory(partition()), c);
    expect(neither.status).toBe("ERROR");
    expect(neither.cause?.source).toBe("inv/secretsmanager-describe-secret/queue-db__app.json");
  });

  it("reads ARNs of every partition, and only whole ARNs", () => {
    expect(parseSecretRef("arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:queue-db/app")).toEqual({
      name: "queue-db/app",
      account: "111122223333",
      region: "us-gov-west-1",
    });
    expect(parseSecretRef("xarn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app")).toEqual({
      name: "xarn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app",
    });
    expect(parseSecretRef("arn:aws:secretsmanager:eu-west-1:11112222333:secret:queue-db/app")).toEqual({
      name: "arn:aws:secretsmanager:eu-west-1:11112222333:secret:queue-db/app",
    });
    // Five characters after the dash are part of the name, not Secrets Manager's suffix.
    expect(parseSecretRef("arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app-AbCdE").name).toBe("queue-db/app-AbCdE");
    expect(parseSecretRef("arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app-AbCdE!").name).toBe("queue-db/app-AbCdE!");
  });
});

describe("secret-rotation-disabled: which secrets, where", () => {
  const judged = (c: ReturnType<typeof config>, inv: ReturnType<typeof inventory>) =>
    verdicts("secret-rotation-disabled", c, inv).map((r) => `${r.status} ${r.resource.id} ${r.resource.account}/${r.resource.region}`);

  it("takes only a trailing dash and six characters for Secrets Manager's suffix", () => {
    expect(parseSecretRef("arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-worker/app")).toEqual({
      name: "queue-worker/app",
      account: "111122223333",
      region: "eu-west-1",
    });
  });

  it("prefers the name without the suffix when both it and the name as written were exported", () => {
    const c = config({ credentials: { secrets: ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app-AbCdEf"] } });
    const inv = inventory(
      partition({
        secrets: {
          "queue-db/app": secret("queue-db/app"),
          "queue-db/app-AbCdEf": secret("queue-db/app-AbCdEf", { RotationEnabled: false }),
        },
      }),
    );
    expect(judged(c, inv)).toEqual(["PASS queue-db/app 111122223333/eu-west-1"]);
  });

  it("keeps a plain name and an ARN of the same name apart (the ARN pins one account and region)", () => {
    const c = config({
      credentials: { secrets: ["queue-db/app", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:queue-db/app-AbCdEf"] },
    });
    const results = verdicts("secret-rotation-disabled", c, inventory(partition({ secrets: { "queue-db/app": secret("queue-db/app") } })));
    expect(results.map((r) => (r.evidence as { usedBy: string[] }).usedBy)).toEqual([["credentials.secrets"], ["credentials.secrets"]]);
  });

  it("adds no secret for probes that log in with IAM or without credentials", () => {
    const c = config({
      postgres: [
        {
          name: "queue-db",
          connection: { host: "db.example.com", database: "app", user: "queue_auditor", password: { iam: true } },
          tables: ["public.delayed_jobs"],
          owner: "app_migrator",
          principals: {},
        },
      ],
      mysql: [
        {
          name: "queue-mysql",
          connection: { host: "mysql.example.com", user: "queue_auditor", password: { iam: true } },
          tables: ["app.delayed_jobs"],
          principals: {},
        },
      ],
      redis: [{ name: "jobs-redis", endpoint: { host: "redis.example.com", port: 6379 }, queue: "sidekiq", principals: {} }],
    });
    expect(verdicts("secret-rotation-disabled", c, inventory(partition()))).toEqual([]);
  });

  it("matches an ARN's account and its region, each on its own", () => {
    const secrets = { "queue-db/app": secret("queue-db/app") };
    const inv = inventory(
      partition({ secrets }),
      partition({ region: "us-east-1", secrets }),
      partition({ account: "444455556666", secrets }),
    );
    const arn = (account: string, region: string) =>
      config({ credentials: { secrets: [`arn:aws:secretsmanager:${region}:${account}:secret:queue-db/app-AbCdEf`] } });
    expect(judged(arn("111122223333", "us-east-1"), inv)).toEqual(["PASS queue-db/app 111122223333/us-east-1"]);
    expect(judged(arn("444455556666", "eu-west-1"), inv)).toEqual(["PASS queue-db/app 444455556666/eu-west-1"]);
    expect(judged(cfg, inv)).toEqual([
      "PASS queue-db/app 111122223333/eu-west-1",
      "PASS queue-db/app 111122223333/us-east-1",
      "PASS queue-db/app 444455556666/eu-west-1",
    ]);
  });

  it("judges the same secret name pinned by ARNs in two accounts, or two regions, as two secrets", () => {
    const secrets = { "queue-db/app": secret("queue-db/app") };
    const inv = inventory(
      partition({ secrets }),
      partition({
        account: "444455556666",
        region: "eu-west-1",
        secrets: { "queue-db/app": secret("queue-db/app", { RotationEnabled: false }) },
      }),
      partition({ region: "us-east-1", secrets }),
    );
    const arn = (account: string, region: string) => `arn:aws:secretsmanager:${region}:${account}:secret:queue-db/app-AbCdEf`;
    const accounts = config({ credentials: { secrets: [arn("111122223333", "eu-west-1"), arn("444455556666", "eu-west-1")] } });
    expect(judged(accounts, inv)).toEqual(["PASS queue-db/app 111122223333/eu-west-1", "FAIL queue-db/app 444455556666/eu-west-1"]);
    const regions = config({ credentials: { secrets: [arn("111122223333", "eu-west-1"), arn("111122223333", "us-east-1")] } });
    expect(judged(regions, inv)).toEqual(["PASS queue-db/app 111122223333/eu-west-1", "PASS queue-db/app 111122223333/us-east-1"]);
  });
});
