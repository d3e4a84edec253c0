import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { escapeControls } from "../audit/model/escape.js";
import { UserError } from "../audit/model/user-error.js";
import { registerAudit } from "./audit.js";
import { registerConfigCheck } from "./config-check.js";
import { registerDemo } from "./demo.js";
import { EXIT } from "./errors.js";
import { registerEvidence } from "./evidence.js";
import { registerFix } from "./fix.js";
import { registerHistory } from "./history.js";
import { renderHistoryHtml } from "./history-html.js";
import { registerSnapshot } from "./snapshot.js";
import { registerVerify } from "./verify.js";

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

export function buildProgram(): Command {
  const program = new Command("queue-auditor")
    .description("Proves that only the approved workers and admins can reach a job queue's backend.")
    .version(version)
    .showHelpAfterError()
    .exitOverride();
  registerAudit(program);
  registerSnapshot(program);
  registerFix(program);
  registerHistory(program, { renderHtml: (data, store, config) => renderHistoryHtml(data, store, new Date(), config) });
  registerVerify(program);
  registerEvidence(program);
  registerConfigCheck(program);
  registerDemo(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other parse error is bad usage.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // Errors a user can fix from the message alone (usage, config, inventory): one line, exit 2.
    if (err instanceof UserError) {
      process.stderr.write(`queue-auditor: ${escapeControls(err.message)}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`queue-auditor: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.incomplete;
  }
}
