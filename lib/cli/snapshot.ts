import type { Command } from "commander";
import { loadConfig } from "../audit/config/load.js";
import type { Config } from "../audit/config/schema.js";
import { type AwsDeps, collectInventory } from "../audit/inventory/aws/index.js";
import { writeSnapshot } from "../audit/inventory/snapshot.js";
import type { Inventory } from "../audit/inventory/types.js";
import { EXIT } from "./errors.js";
import { progress } from "./output.js";

export interface SnapshotOptions {
  config: string;
  out: string;
  force?: boolean;
}

export interface SnapshotCommandDeps {
  collect?: (config: Config, deps?: AwsDeps) => Promise<Inventory>;
}

/** 0 when every needed part was captured, 3 when some could not be (they are named on stderr). */
export async function snapshotCommand(options: SnapshotOptions, deps: SnapshotCommandDeps = {}): Promise<number> {
  const config = loadConfig(options.config);
  progress("collecting the AWS inventory");
  // A missing region (NoRegionError) or an unusable --out (SnapshotTargetError) is a UserError: exit 2.
  const inventory = await (deps.collect ?? collectInventory)(config, { note: progress, keepLogEvents: true });
  const plan = await writeSnapshot(inventory, options.out, { force: options.force === true });
  for (const e of plan.errors) {
    progress(`not captured: ${e.source} in ${e.account ?? "?"}/${e.region ?? "?"}: ${e.reason}`);
  }
  const where = inventory.partitions.map((p) => `${p.account}/${p.region}`).join(", ");
  progress(
    `wrote ${plan.files.length} file(s) for ${where} to ${options.out}${plan.errors.length > 0 ? ` (${plan.errors.length} part(s) not captured)` : ""}`,
  );
  return plan.errors.length > 0 ? EXIT.incomplete : EXIT.ok;
}

export function registerSnapshot(program: Command, deps: SnapshotCommandDeps = {}): void {
  program
    .command("snapshot")
    .description(
      "capture the live AWS inventory the config needs into DIR (the offline layout); exit 0 complete, 2 bad input, 3 incomplete",
    )
    .requiredOption("--config <file>", "config file (YAML or JSON)")
    .requiredOption("--out <dir>", "directory to write; must be empty or absent")
    .option("--force", "replace a non-empty --out directory")
    .action(async (opts: SnapshotOptions) => {
      process.exitCode = await snapshotCommand(opts, deps);
    });
}
