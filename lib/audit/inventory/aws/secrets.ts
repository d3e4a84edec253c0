/** Secrets Manager: DescribeSecret for each secret the config names in this account and region (never its value). */
import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import type { Config } from "../../config/schema.js";
import type { InventoryPartition, WireSecret } from "../types.js";
import { attempt, type CollectContext } from "./collector.js";
import { type SecretToDescribe, secretsOf } from "./needs.js";
import { toWire } from "./wire.js";

export function secretsFor(config: Config, account: string, region: string): SecretToDescribe[] {
  return secretsOf(config).filter((s) => (!s.account || s.account === account) && (!s.region || s.region === region));
}

export async function collectSecrets(ctx: CollectContext): Promise<Pick<InventoryPartition, "secrets">> {
  const entries = await Promise.all(
    secretsFor(ctx.config, ctx.account, ctx.region).map(
      async (s) =>
        [
          s.name,
          await attempt<WireSecret>(ctx, "secrets", s.name, () =>
            ctx.limit(async () => toWire(await ctx.clients.secrets.send(new DescribeSecretCommand({ SecretId: s.secretId })))),
          ),
        ] as const,
    ),
  );
  return { secrets: Object.fromEntries(entries) };
}
