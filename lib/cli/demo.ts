import path from "node:path";
import type { Command } from "commander";
import { runDemo } from "../demo/demo.js";
import { EXIT } from "./errors.js";
import { progress } from "./output.js";

export const DEFAULT_DEMO_REPORT = path.join(".queue-auditor", "demo-report.html");

/** Runs cleanups newest first, each once, whatever the others do. */
export function cleanupStack() {
  const tasks: (() => Promise<void>)[] = [];
  const lastResorts: (() => void)[] = [];
  let running: Promise<void> | undefined;
  // If another exit hook ends the process mid-cleanup, the synchronous fallbacks still run.
  const onExit = () => {
    for (const fn of lastResorts.reverse()) {
      try {
        fn();
      } catch {
        // best effort while the process ends
      }
    }
  };
  process.once("exit", onExit);
  return {
    add: (fn: () => Promise<void>, lastResort?: () => void) => {
      tasks.push(fn);
      if (lastResort) lastResorts.push(lastResort);
    },
    run: () => {
      running ??= (async () => {
        for (const task of tasks.reverse()) await task().catch(() => undefined);
        process.off("exit", onExit);
      })();
      return running;
    },
  };
}

export async function demoCommand(opts: { report: string }): Promise<number> {
  const cleanup = cleanupStack();
  // Ctrl-C or a kill must not leave a PostgreSQL or Redis running, or temp directories behind.
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping what the demo started`);
    void cleanup.run().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const started = Date.now();
  try {
    await runDemo({
      reportPath: path.resolve(opts.report),
      out: (text) => void process.stdout.write(text),
      progress,
      onCleanup: cleanup.add,
    });
    progress(`demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return EXIT.ok;
  } finally {
    await cleanup.run();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "a self-contained first run: embedded PostgreSQL, a bundled AWS inventory, two audits with fixes in between, an HTML report",
    )
    .option("--report <file>", "where to write the HTML evidence report", DEFAULT_DEMO_REPORT)
    .action(async (opts: { report: string }) => {
      process.exitCode = await demoCommand(opts);
    });
}
