/**
 * Offline log events: `logs-filter-log-events/LOG_GROUP.json`, exactly what
 * `aws logs filter-log-events --log-group-name … --start-time … --output json` prints (pages
 * merged), LOG_GROUP with '/' replaced by '__'. The period is meta.json's `logsSince` up to
 * its `capturedAt`. Each file is folded into the same counts as a live read.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { AttemptFolder } from "./logs/fold.js";
import type { LogGroupRead } from "./logs/types.js";
import { InventoryError } from "./offline-errors.js";
import { readJsonFile } from "./offline-file.js";
import { EXPORTS } from "./offline-schemas.js";
import { INVENTORY_FILES, type Observed } from "./types.js";

export async function readLogGroups(
  dir: string,
  meta: { logsSince?: string | undefined; capturedAt?: string | undefined } | undefined,
  warn: (message: string) => void,
): Promise<Record<string, Observed<LogGroupRead>>> {
  const logsDir = path.join(dir, INVENTORY_FILES.logEvents);
  let names: string[];
  try {
    const entries = await readdir(logsDir, { withFileTypes: true });
    names = [];
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith(".json") && e.name.length > ".json".length) names.push(e.name);
      else warn(`${path.join(logsDir, e.name)}: not a .json export; ignored`);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return {};
    if (code === "ENOTDIR") throw new InventoryError(`${logsDir}: expected a directory of LOG_GROUP.json files, found a file`);
    throw new InventoryError(`${logsDir}: cannot read the directory (${code ?? String(err)})`);
  }
  const spec = EXPORTS.logEvents;
  const out: Record<string, Observed<LogGroupRead>> = {};
  for (const name of names.sort()) {
    const file = path.join(logsDir, name);
    const read = await readJsonFile(file, spec.schema, `the output of \`${spec.command} --output json\``, {
      key: spec.key,
      item: spec.item,
    });
    if (!read.ok) continue;
    const events = (read.value as { events: { timestamp?: number; message: string }[] }).events;
    const folder = new AttemptFolder();
    let bytes = 0;
    for (const e of events) {
      bytes += Buffer.byteLength(e.message, "utf8");
      folder.add(e);
    }
    const logGroupName = name.slice(0, -".json".length).replaceAll("__", "/");
    out[logGroupName] = {
      ok: true,
      value: {
        logGroupName,
        since: meta?.logsSince ?? "",
        until: meta?.capturedAt ?? "",
        events: events.length,
        bytes,
        pages: 0,
        recognised: folder.recognised,
        attempts: folder.result(),
      },
    };
  }
  return out;
}
