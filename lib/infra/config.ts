/**
 * The stack's config: the same file, schema and one-line errors as the CLI. It is read
 * once at synth, validated, and baked into every function bundle, so each function audits
 * exactly the deployed config.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Duration } from "aws-cdk-lib";
import type { Node } from "constructs";
import { ConfigError, loadConfig } from "../audit/config/load.js";
import type { Config } from "../audit/config/schema.js";

export { ConfigError } from "../audit/config/load.js";

/** The config `cdk synth` / `cdk deploy` use without `-c config=…`. */
export const DEFAULT_CONFIG_FILE = "examples/queue-auditor.yaml";

/** The config file named by the `config` context value (`cdk deploy -c config=FILE`), loaded and validated. */
export function configFromContext(node: Node): { file: string; config: Config } {
  const value = node.tryGetContext("config");
  if (value !== undefined && typeof value !== "string") {
    throw new ConfigError(`-c config: expected a config file path, got ${JSON.stringify(value)}`);
  }
  const file = value ?? DEFAULT_CONFIG_FILE;
  const config = loadConfig(file);
  const bundle = config.deploy?.postgresCaBundle;
  if (bundle !== undefined) {
    // Relative to the config file, like any path a user writes in it; checked now so a typo fails the synth.
    const resolved = path.resolve(path.dirname(file), bundle);
    let text: string;
    try {
      text = readFileSync(resolved, "utf8");
    } catch (err) {
      throw new ConfigError(
        `${file}: deploy.postgresCaBundle: expected a readable PEM file (${resolved}: ${(err as NodeJS.ErrnoException).code ?? err})`,
      );
    }
    if (!text.includes("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigError(`${file}: deploy.postgresCaBundle: expected PEM certificates (-----BEGIN CERTIFICATE-----) in ${resolved}`);
    }
    if (config.deploy) config.deploy.postgresCaBundle = resolved;
  }
  return { file, config };
}

/**
 * The config as the bundles carry it: base64 of its JSON. Base64 because the value passes
 * through esbuild's command line, where quotes, `$` or backticks in a mute reason would
 * otherwise need shell escaping.
 */
export function encodeConfig(config: Config): string {
  return Buffer.from(JSON.stringify(config), "utf8").toString("base64");
}

const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86400 };

/**
 * How often a run is expected: the `rate(…)` of the schedule. A `cron(…)` schedule has no
 * fixed period, so it is assumed to run at least daily unless the caller says otherwise.
 */
export function schedulePeriod(schedule: string, cronPeriod: Duration = Duration.days(1)): Duration {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(schedule);
  if (!rate) return cronPeriod;
  const seconds = Number(rate[1]) * (UNIT_SECONDS[rate[2] as string] as number);
  return Duration.seconds(seconds);
}
