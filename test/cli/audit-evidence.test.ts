/** The audit command's evidence: recorded on the wall clock whatever --now says, and a store failure that still prints the result. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyChain } from "../../lib/audit/store/chain.js";
import { openStore } from "../../lib/audit/store/open.js";
import { cli } from "../support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "qa-cli-evidence-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const CLEAN = ["--config", "test/fixtures/config/clean.yaml", "--inventory", "test/fixtures/inventory/clean"];

describe("queue-auditor audit and its evidence", () => {
  it("--now in the past judges checks but records on the wall clock, so the chain stays intact and nothing expires", async () => {
    const dir = join(tmp, "now");
    const before = Date.now();
    const run = cli(["audit", ...CLEAN, "--store", `local:${dir}`, "--now", "2020-01-01T00:00:00Z"]);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.code).toBe(0);
    const store = await openStore(`local:${dir}`);
    try {
      const [recorded] = await store.listRuns();
      expect(Date.parse(recorded?.recordedAt ?? "")).toBeGreaterThanOrEqual(before - 1000);
      // The default retention (400 days) from the wall clock, not from 2020.
      expect((recorded?.expiresAt ?? 0) * 1000).toBeGreaterThan(Date.now() + 399 * 86_400_000);
      expect(await verifyChain(store)).toMatchObject({ ok: true, verified: 1 });
    } finally {
      await store.close();
    }
  });

  it("a store that cannot be reached: the result is printed, one line says so, exit 4", () => {
    const run = cli(["audit", ...CLEAN, "--store", "dynamodb:queue-auditor-unreachable"], {
      // A loopback port nothing listens on: the table is unreachable, as a wrong region or a network outage makes it.
      AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00",
      AWS_SECRET_ACCESS_KEY: "example-secret-not-real",
      AWS_MAX_ATTEMPTS: "1",
      QUEUE_AUDITOR_CHAIN_KEY: "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
    });
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/PASS/);
    const lines = run.stderr.split("\n").filter((l) => l.includes("not recorded"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^queue-auditor: the run was not recorded in dynamodb:queue-auditor-unreachable: .*ECONNREFUSED/);
    expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(run.stderr).not.toContain("example-secret-not-real");
  });

  it("a dynamodb store without a chain key records nothing unsealed: exit 4 naming the variable", () => {
    const run = cli(["audit", ...CLEAN, "--store", "dynamodb:queue-auditor-unsealed"], {
      AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00",
      AWS_SECRET_ACCESS_KEY: "example-secret-not-real",
      AWS_MAX_ATTEMPTS: "1",
      QUEUE_AUDITOR_CHAIN_KEY: "",
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/has no chain key: set QUEUE_AUDITOR_CHAIN_KEY/);
  });
});
