import type { Command } from "commander";
import { loadConfig } from "../audit/config/load.js";
import { muteWarnings } from "../audit/findings/mute-warnings.js";

export function registerConfigCheck(program: Command): void {
  const config = program.command("config").description("work with the config file");
  config
    .command("check")
    .description("validate a config file and exit (0 valid, 2 invalid)")
    .requiredOption("--config <file>", "config file (YAML or JSON)")
    .action((opts: { config: string }) => {
      const loaded = loadConfig(opts.config);
      const parts = [
        `${loaded.targets.rds.length + loaded.targets.elasticache.length} AWS target(s)${loaded.targets.tag ? ` plus tag ${loaded.targets.tag.key}=${loaded.targets.tag.value}` : ""}`,
        `${loaded.postgres.length} PostgreSQL database(s)`,
        `${loaded.mysql.length} MySQL/MariaDB server(s)`,
        `${loaded.redis.length} Redis endpoint(s)`,
        `${loaded.mutes.length} mute(s)`,
      ];
      process.stdout.write(`${opts.config}: valid (${parts.join(", ")})\n`);
      // Valid but misleading: each a warning on stderr, the exit code stays 0.
      for (const warning of muteWarnings(loaded, new Date())) process.stderr.write(`${opts.config}: warning: ${warning}\n`);
    });
}
