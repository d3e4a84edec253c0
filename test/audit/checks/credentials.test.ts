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
