import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { escapeControls } from "../audit/model/escape.js";

/** Writes a result where asked: stdout, or a file written whole (temp file, then rename). */
export function writeOutput(text: string, out: string | undefined): void {
  if (!out || out === "-") {
    process.stdout.write(text);
    return;
  }
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, { mode: 0o644 });
    renameSync(temp, out);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Progress for humans goes to stderr, so stdout stays machine-readable; one line each, whatever names it quotes. */
export function progress(message: string): void {
  if (process.env.QUEUE_AUDITOR_QUIET !== "1") process.stderr.write(`queue-auditor: ${escapeControls(message)}\n`);
}
