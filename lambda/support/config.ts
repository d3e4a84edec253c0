/**
 * The deployed config. esbuild's `define` replaces `process.env.QUEUE_AUDITOR_CONFIG` with
 * the config validated at synth (base64 JSON of the schema's output, defaults applied), so
 * every function audits exactly what was deployed. It is not validated again here: the
 * bundle and the validation come from the same synth, and leaving the schema (zod, yaml)
 * out of the bundles halves the collector's size (bench/lambda.ts).
 */
import type { Config } from "../../lib/audit/config/schema.js";
import { memberRoleArn, partitionOf } from "../../lib/audit/inventory/aws/accounts.js";
import type { CollectItem } from "./contract.js";

export class DeployedConfigError extends Error {
  override name = "DeployedConfigError";
}

let cached: { encoded: string; config: Config } | undefined;

export function deployedConfig(): Config {
  // Spelled out in full: esbuild's define matches this exact expression.
  const encoded = process.env.QUEUE_AUDITOR_CONFIG;
  if (!encoded) throw new DeployedConfigError("QUEUE_AUDITOR_CONFIG is not set: the function was not bundled by the stack");
  if (cached?.encoded === encoded) return cached.config;
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch {
    throw new DeployedConfigError("QUEUE_AUDITOR_CONFIG: expected base64 of the config's JSON");
  }
  if (!data || typeof data !== "object" || (data as { version?: unknown }).version !== 1) {
    throw new DeployedConfigError("QUEUE_AUDITOR_CONFIG: expected a version 1 config validated at synth");
  }
  const config = data as Config;
  cached = { encoded, config };
  return config;
}

/**
 * The config of one collect item: that account (when the config lists accounts, or the
 * Organization found it: then through `roleName`, as the CLI assumes it) and that region only.
 */
export function narrowConfig(config: Config, item: Pick<CollectItem, "account" | "region" | "accountListed">): Config {
  const { organization, ...rest } = config.aws;
  const aws: Config["aws"] = { ...rest, regions: [item.region] };
  if (organization && item.accountListed) {
    const roleArn = memberRoleArn(partitionOf(item.region), item.account, organization.roleName);
    aws.accounts = [{ id: item.account, roleArn, ...(organization.externalId ? { externalId: organization.externalId } : {}) }];
  } else if (item.accountListed) aws.accounts = (config.aws.accounts ?? []).filter((a) => a.id === item.account);
  else delete aws.accounts;
  return { ...config, aws };
}
