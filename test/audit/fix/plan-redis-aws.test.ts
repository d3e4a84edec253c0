/**
 * The Redis plan applied to a live redis-server closes the door the audit found (an
 * unauthenticated client is refused after, accepted before) while the auditor's own user
 * keeps working; `aws.sh` passes `bash -n`, and every command it runs is parsed and
 * validated by the real AWS CLI against its own service models (pointed at a closed port,
 * so nothing leaves the machine: the CLI reaching for the endpoint proves the options parsed).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../lib/audit/config/load.js";
import type { Config } from "../../../lib/audit/config/schema.js";
import { evaluate } from "../../../lib/audit/engine.js";
import type { Finding } from "../../../lib/audit/findings/model.js";
import { buildPlan } from "../../../lib/audit/fix/plan.js";
import { readOfflineInventory } from "../../../lib/audit/inventory/offline.js";
import { probeRedis } from "../../../lib/audit/probes/redis/index.js";
import { config } from "../../support/builders.js";
import { type RedisServer, removeDir, startRedis, tempDir } from "../../support/redis.js";
import { commandUnavailable, skipWithout } from "../../support/services.js";

const run = promisify(execFile);

describe.skipIf(skipWithout("redis-server and redis-cli", commandUnavailable("redis-server") ?? commandUnavailable("redis-cli")))(
  "the Redis fix plan on a live redis-server",
  () => {
    const dir = tempDir("qa-fix-redis");
    const password = `pw-${Date.now()}`;
    const env = { QA_FIX_REDIS_PW: password };
    let server: RedisServer;
    let cfg: Config;

    const audit = async () =>
      evaluate({
        config: cfg,
        inventory: { partitions: [] },
        observations: { postgres: [], redis: await probeRedis(cfg.redis, { credentials: { env } }) },
        now: new Date(),
      });
    const cli = (args: string[], auth = true) =>
      run("redis-cli", [
        "-h",
        "127.0.0.1",
        "-p",
        String(server.port),
        ...(auth ? ["--user", "ops_auditor", "--pass", password, "--no-auth-warning"] : []),
        ...args,
      ]);

    beforeAll(async () => {
      server = await startRedis(dir, "fix", {
        conf: ["user default on nopass ~* &* +@all", `user ops_auditor on >${password} ~* &* +@all`],
      });
      cfg = config({
        redis: [
          {
            name: "jobs-redis-7",
            endpoint: { host: "127.0.0.1", port: server.port as number },
            tls: "optional",
            auth: "required",
            credentials: { username: "ops_auditor", password: { env: "QA_FIX_REDIS_PW" } },
          },
        ],
      });
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
      removeDir(dir);
    });

    it("turns the default user off: the anonymous client is refused afterwards, the auditor still audits, and the re-audit passes", async () => {
      const before = await audit();
      const fails = before
        .filter((f) => f.status === "FAIL")
        .map((f) => f.checkId)
        .sort();
      expect(fails).toEqual(["redis-default-user-open", "redis-unauthenticated"]);
      expect((await cli(["SET", "queue:default", "injected"], false)).stdout.trim()).toBe("OK");

      const plan = buildPlan(before, cfg, { generatedAt: new Date() });
      const file = plan.files.find((f) => f.name === "jobs-redis-7.redis");
      const commands = (file?.content ?? "").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
      expect(commands).toEqual(["ACL SETUSER default off"]);
      for (const f of before.filter((x) => x.status === "FAIL")) expect(file?.content).toContain(`# resolves ${f.id} ${f.checkId}`);

      for (const c of commands) expect((await cli(c.split(" "))).stdout.trim()).toBe("OK");

      const refused = await cli(["SET", "queue:default", "injected"], false);
      expect(refused.stdout).toMatch(/NOAUTH|NOPERM|WRONGPASS|AUTH/i);
      const after = await audit();
      expect(after.filter((f) => f.status !== "PASS").map((f) => `${f.status} ${f.checkId}`)).toEqual([]);
    }, 60_000);
  },
);

describe("aws.sh", () => {
  let findings: Finding[];
  let script: string;
  let path: string;

  beforeAll(async () => {
    const cfg = loadConfig("test/fixtures/config/violations.yaml");
    const inventory = await readOfflineInventory("test/fixtures/inventory/violations");
    findings = evaluate({ config: cfg, inventory, now: new Date("2026-11-25T12:00:00Z") });
    script =
      buildPlan(findings, cfg, { generatedAt: new Date("2026-11-25T12:00:00Z") }).files.find((f) => f.name === "aws.sh")?.content ?? "";
    path = join(mkdtempSync(join(tmpdir(), "qa-aws-sh-")), "aws.sh");
    writeFileSync(path, script);
  });

  const runnable = () => script.split("\n").filter((l) => l.startsWith("aws "));

  it("is a strict bash script whose every command sits under the findings it resolves; non-critical ones wait for the maintenance window", async () => {
    await run("bash", ["-n", path]);
    expect(script).toMatch(/^#!\/usr\/bin\/env bash\n(#.*\n)*set -euo pipefail\n/);
    expect(runnable().length).toBeGreaterThan(5);
    const lines = script.split("\n");
    lines.forEach((line, i) => {
      if (line.startsWith("aws ")) expect(lines[i - 1]).toMatch(/^# resolves [0-9a-f]{32} /);
    });
    const critical = new Set(findings.filter((f) => f.severity === "critical").map((f) => f.id));
    lines.forEach((line, i) => {
      if (!line.startsWith("aws ") || !line.includes("--apply-immediately")) return;
      const ids = [];
      for (let j = i - 1; j >= 0 && lines[j]?.startsWith("# resolves "); j--) ids.push(lines[j]?.split(" ")[2]);
      expect(
        ids.some((id) => critical.has(id as string)),
        line,
      ).toBe(true);
    });
  });

  it.skipIf(skipWithout("the AWS CLI (aws)", commandUnavailable("aws")))(
    "has only commands whose options the AWS CLI parses and validates against its own models",
    async () => {
      const results = await Promise.all(
        runnable().map(async (line) => {
          try {
            await run("bash", ["-c", `${line} --endpoint-url http://127.0.0.1:9 --cli-connect-timeout 2`], {
              env: {
                ...process.env,
                AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
                AWS_SECRET_ACCESS_KEY: "example",
                AWS_MAX_ATTEMPTS: "1",
                AWS_CONFIG_FILE: "/dev/null",
              },
              timeout: 60_000,
            });
            return { line, code: 0, stderr: "" };
          } catch (err) {
            const e = err as { code?: number; stderr?: string };
            return { line, code: e.code ?? -1, stderr: e.stderr ?? "" };
          }
        }),
      );
      for (const r of results) {
        // 252 (v2) or a usage/validation message (v1, exit 255) means the options did not parse.
        expect(r.code, `${r.line}\n${r.stderr}`).not.toBe(252);
        expect(r.stderr, r.line).not.toMatch(/usage:|Unknown options|Invalid choice|Parameter validation failed|Error parsing parameter/);
        expect(r.stderr, r.line).toMatch(/Could not connect to the endpoint URL/);
      }
    },
    180_000,
  );
});
