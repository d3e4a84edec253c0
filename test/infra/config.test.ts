import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { App, Duration } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, configFromContext, DEFAULT_CONFIG_FILE, schedulePeriod } from "../../lib/infra/config.js";
import { missingRunWindow } from "../../lib/infra/monitoring.js";
import { synthStack } from "./support.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "qa-infra-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the stack's config", () => {
  it("defaults to the example config", () => {
    const { file, config } = configFromContext(new App().node);
    expect(file).toBe(DEFAULT_CONFIG_FILE);
    expect(config.deploy?.vpc?.id).toBe("vpc-0a1b2c3d4e5f60001");
  });

  it("reads the file named by -c config=FILE", () => {
    const file = join(dir, "other.yaml");
    writeFileSync(file, "version: 1\nschedule: rate(6 hours)\n");
    expect(configFromContext(new App({ context: { config: file } }).node).config.schedule).toBe("rate(6 hours)");
  });

  it("fails with the CLI's one-line error: file, key path, what was expected", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "version: 1\nschedule: every hour\n");
    const load = () => configFromContext(new App({ context: { config: file } }).node);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      `${file}: schedule: expected rate(N minute|minutes|hour|hours|day|days) or cron(minutes hours day-of-month month day-of-week year)`,
    );
  });

  it.each([
    [
      "cron(0 * * * *)",
      "expected cron() with the 6 fields EventBridge Scheduler requires (minutes hours day-of-month month day-of-week year), got 5",
    ],
    ["rate(0 hours)", "expected rate(N unit) with N a positive integer, got 0"],
    ["rate(1 hours)", "expected rate(1 hour): EventBridge Scheduler takes the singular unit for 1"],
  ])("stops `cdk synth` with exit 2 on %s, a schedule EventBridge Scheduler rejects", async (schedule, expected) => {
    const file = join(dir, `schedule-${schedule.replace(/\W+/g, "_")}.yaml`);
    writeFileSync(file, `version: 1\nschedule: "${schedule}"\n`);
    const err = await run("npx", ["tsx", "bin/app.ts"], {
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: file }) },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr.trim()).toBe(`${file}: schedule: ${expected}`);
  });

  it("refuses a literal password like the CLI does", () => {
    const file = join(dir, "literal.yaml");
    writeFileSync(
      file,
      "version: 1\npostgres:\n  - name: db\n    connection: { host: db.example.com, database: app, user: a, password: hunter2 }\n    tables: [public.delayed_jobs]\n    owner: o\n    principals: {}\n",
    );
    expect(() => configFromContext(new App({ context: { config: file } }).node)).toThrow(
      /postgres\[0\]\.connection\.password: expected \{ env: VAR \}/,
    );
  });

  it("stops `cdk synth` with exit code 2 and only the one-line error when the file is missing", async () => {
    const missing = join(dir, "missing.yaml");
    const err = await run("npx", ["tsx", "bin/app.ts"], {
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: missing }) },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr.trim()).toBe(`${missing}: cannot read the config file (no such file)`);
  });
});

describe("schedule periods and the missing-run window", () => {
  it("reads rate() periods and assumes daily for cron()", () => {
    expect(schedulePeriod("rate(1 hour)").toSeconds()).toBe(3600);
    expect(schedulePeriod("rate(15 minutes)").toSeconds()).toBe(900);
    expect(schedulePeriod("rate(2 days)").toSeconds()).toBe(172_800);
    expect(schedulePeriod("cron(0 6 * * ? *)").toSeconds()).toBe(86_400);
    expect(schedulePeriod("cron(0 6 ? * MON *)", Duration.days(7)).toSeconds()).toBe(604_800);
  });

  it("spans two periods, in whole days beyond one day, at most seven days", () => {
    expect(missingRunWindow(Duration.hours(1))).toEqual({ period: Duration.seconds(7200), evaluationPeriods: 1 });
    expect(missingRunWindow(Duration.days(1))).toEqual({ period: Duration.days(1), evaluationPeriods: 2 });
    expect(missingRunWindow(Duration.days(7))).toEqual({ period: Duration.days(1), evaluationPeriods: 7 });
  });
});

describe("the PostgreSQL CA bundle for verify-full", () => {
  const PEM = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

  it("resolves deploy.postgresCaBundle next to the config file and ships it to the probe as a layer", () => {
    writeFileSync(join(dir, "rds-global-bundle.pem"), PEM);
    const file = join(dir, "with-ca.yaml");
    writeFileSync(
      file,
      "version: 1\npostgres:\n  - name: db\n    connection: { host: db.example.com, database: app, user: a, password: { iam: true } }\n    tables: [public.delayed_jobs]\n    owner: o\n    principals: {}\ndeploy:\n  postgresCaBundle: rds-global-bundle.pem\n",
    );
    const { config } = configFromContext(new App({ context: { config: file } }).node);
    expect(config.deploy?.postgresCaBundle).toBe(join(dir, "rds-global-bundle.pem"));
    const { template } = synthStack(config);
    template.resourceCountIs("AWS::Lambda::LayerVersion", 1);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("probe"),
      Layers: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp("PostgresCaBundle") })]),
    });
  });

  it("fails the synth naming the key when the bundle is not a readable PEM file", () => {
    const file = join(dir, "bad-ca.yaml");
    writeFileSync(file, "version: 1\ndeploy:\n  postgresCaBundle: nowhere.pem\n");
    expect(() => configFromContext(new App({ context: { config: file } }).node)).toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: deploy\\.postgresCaBundle: expected a readable PEM file`),
    );
  });

  it("warns at synth when a database verifies TLS and no bundle is named", () => {
    const { stack } = synthStack();
    const warnings = Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("deploy.postgresCaBundle is not set"));
    expect(warnings.length).toBe(1);
  });
});
