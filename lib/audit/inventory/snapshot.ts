/**
 * Writes an inventory as the offline layout of CONTRACTS.md (the AWS CLI's JSON shapes),
 * so `audit --inventory DIR` on a snapshot sees the data the live audit saw.
 *
 * What is written, and why:
 * - every part that was collected, including empty lists;
 * - not the parts that failed: the offline reader then reports them missing, an ERROR for
 *   the checks that need them, as the live audit did (the failures are returned to report);
 * - not the parts deliberately left out because this config needs nothing from them
 *   (code NotCollected): writing an empty list there would claim that nothing exists;
 * - meta.json always, with `notCaptured` naming each part that failed and why, so an offline
 *   audit of the snapshot reports the same ERRORs (and causes) as the live audit did, even for
 *   an account that could not be reached at all.
 * One partition is written flat; several go under ACCOUNT/REGION/.
 * The directory appears complete or not at all: files go to a temporary directory beside
 * the target, which is renamed into place at the end.
 */
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ObservationError } from "../model/observation.js";
import { UserError } from "../model/user-error.js";
import { type LogGroupRead, logReadBoundReason } from "./logs/types.js";
import { INVENTORY_FILES, type Inventory, type InventoryPartition, type Observed, type PartitionField, secretFileName } from "./types.js";

export class SnapshotTargetError extends UserError {
  override name = "SnapshotTargetError";
}

/** The top-level key of each list export, as the AWS CLI prints it. */
const LIST_KEYS = {
  securityGroups: "SecurityGroups",
  dbInstances: "DBInstances",
  dbClusters: "DBClusters",
  replicationGroups: "ReplicationGroups",
  cacheClusters: "CacheClusters",
  serverlessCaches: "ServerlessCaches",
  userGroups: "UserGroups",
  users: "Users",
  subnets: "Subnets",
  routeTables: "RouteTables",
  networkAcls: "NetworkAcls",
  cacheSubnetGroups: "CacheSubnetGroups",
} as const satisfies Partial<Record<PartitionField, string>>;

/** Keyed exports: one file per key, its top-level key (undefined: the whole response, DescribeSecret). */
const KEYED_KEYS = {
  prefixListEntries: "Entries",
  dbParameters: "Parameters",
  dbClusterParameters: "Parameters",
  cacheTags: "TagList",
  secrets: undefined,
} as const satisfies Partial<Record<PartitionField, string | undefined>>;

export interface SnapshotFile {
  /** Relative to the snapshot directory, with '/' separators. */
  path: string;
  data: unknown;
}

export interface SnapshotPlan {
  files: SnapshotFile[];
  /** Parts that could not be collected (not written), deduplicated. */
  errors: ObservationError[];
}

const isDeliberateGap = (error: ObservationError) => error.code === "NotCollected";

/** Which files a snapshot of `inventory` holds, and which parts failed. Pure. */
export function planSnapshot(inventory: Inventory): SnapshotPlan {
  const nested = inventory.partitions.length > 1;
  const files: SnapshotFile[] = [];
  const errors = new Map<string, ObservationError>();
  // A secret named without an ARN is looked for in every region; where it is found once, the
  // credentials check has its answer and the misses elsewhere are no gap (nor an exit code 3).
  const secretsFound = new Set(
    inventory.partitions.flatMap((p) =>
      Object.entries(p.secrets)
        .filter(([, s]) => s.ok)
        .map(([name]) => name),
    ),
  );
  const failed = (error: ObservationError, secretName?: string) => {
    if (isDeliberateGap(error) || (secretName !== undefined && secretsFound.has(secretName))) return;
    errors.set(JSON.stringify([error.source, error.account, error.region, error.code]), error);
  };
  for (const p of inventory.partitions) {
    const prefix = nested ? `${p.account}/${p.region}/` : "";
    // What failed is recorded in meta.json, so an offline audit reports the same cause as the live one.
    const notCaptured: NotCapturedEntry[] = [];
    const record = (file: string, error: ObservationError, secretName?: string) => {
      if (isDeliberateGap(error) || (secretName !== undefined && secretsFound.has(secretName))) return;
      failed(error, secretName);
      notCaptured.push({ file, source: error.source, reason: error.reason, ...(error.code ? { code: error.code } : {}) });
    };
    for (const [field, key] of Object.entries(LIST_KEYS) as [keyof typeof LIST_KEYS, string][]) {
      const part = p[field] as Observed<unknown[]> | undefined;
      // A network part absent from an older partition was not collected at all: nothing to write or record.
      if (!part) continue;
      if (part.ok) files.push({ path: `${prefix}${INVENTORY_FILES[field]}`, data: { [key]: part.value } });
      else record(INVENTORY_FILES[field], part.error);
    }
    for (const [field, key] of Object.entries(KEYED_KEYS) as [keyof typeof KEYED_KEYS, string | undefined][]) {
      const entries = p[field] as Record<string, Observed<unknown>>;
      for (const name of Object.keys(entries).sort()) {
        const part = entries[name] as Observed<unknown>;
        const file = field === "secrets" ? secretFileName(name) : `${name}.json`;
        if (!part.ok) {
          record(`${INVENTORY_FILES[field]}/${file}`, part.error, field === "secrets" ? name : undefined);
          continue;
        }
        files.push({ path: `${prefix}${INVENTORY_FILES[field]}/${file}`, data: key === undefined ? part.value : { [key]: part.value } });
      }
    }
    if (p.trails?.ok === false) record(INVENTORY_FILES.trails, p.trails.error);
    if (p.trails?.ok) {
      files.push({ path: `${prefix}${INVENTORY_FILES.trails}`, data: { trailList: p.trails.value.map((t) => t.trail) } });
      for (const t of p.trails.value) {
        for (const [folder, part] of [
          [INVENTORY_FILES.trailStatus, t.status],
          [INVENTORY_FILES.eventSelectors, t.selectors],
        ] as const) {
          const file = `${folder}/${t.trail.Name}.json`;
          if (part.ok) files.push({ path: `${prefix}${file}`, data: part.value });
          else record(file, part.error);
        }
      }
    }
    for (const group of Object.keys(p.logEvents ?? {}).sort()) {
      const part = p.logEvents?.[group] as Observed<LogGroupRead>;
      const file = `${INVENTORY_FILES.logEvents}/${secretFileName(group)}`;
      if (!part.ok) record(file, part.error);
      // A read stopped by a bound is partial: written, an offline audit would take it for the whole period.
      else if (part.value.bound) record(file, boundError(p, part.value));
      else if (part.value.raw) files.push({ path: `${prefix}${file}`, data: { events: part.value.raw, searchedLogStreams: [] } });
    }
    files.push({ path: `${prefix}${INVENTORY_FILES.meta}`, data: meta(p, notCaptured) });
  }
  return { files, errors: [...errors.values()] };
}

/** A part that could not be captured, as meta.json records it (an extension of CONTRACTS.md's meta.json). */
export interface NotCapturedEntry {
  /** The file's path inside the partition directory. */
  file: string;
  source: string;
  reason: string;
  code?: string;
}

function meta(p: InventoryPartition, notCaptured: NotCapturedEntry[]) {
  return {
    ...(p.capturedAt ? { capturedAt: p.capturedAt } : {}),
    account: p.account,
    region: p.region,
    ...(p.logsSince ? { logsSince: p.logsSince } : {}),
    ...(notCaptured.length > 0 ? { notCaptured } : {}),
  };
}

function boundError(p: InventoryPartition, read: LogGroupRead): ObservationError {
  return {
    source: `logs:FilterLogEvents ${read.logGroupName}`,
    reason: logReadBoundReason(read),
    code: "BoundReached",
    account: p.account,
    region: p.region,
  };
}

async function isEmptyDir(dir: string): Promise<boolean | "missing"> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new SnapshotTargetError(`${dir}: exists and is not a directory`);
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw err;
  }
}

export interface WriteSnapshotOptions {
  /** Replace a non-empty directory. */
  force?: boolean;
}

/** Writes the snapshot atomically; returns the plan (files written, parts that failed). */
export async function writeSnapshot(inventory: Inventory, outDir: string, options: WriteSnapshotOptions = {}): Promise<SnapshotPlan> {
  const target = path.resolve(outDir);
  const state = await isEmptyDir(target);
  if (state === false && !options.force) {
    throw new SnapshotTargetError(`${outDir}: the directory is not empty; choose another --out or pass --force to replace it`);
  }
  const plan = planSnapshot(inventory);
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  const temp = await mkdtemp(path.join(parent, `.${path.basename(target)}.partial-`));
  let old: string | undefined;
  try {
    const dirs = new Set(plan.files.map((f) => path.dirname(path.join(temp, f.path))));
    for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
    // Bounded so 10,000 parameter files do not open 10,000 descriptors at once.
    const queue = [...plan.files];
    const writer = async () => {
      for (let f = queue.shift(); f; f = queue.shift())
        await writeFile(path.join(temp, f.path), `${JSON.stringify(f.data, null, 4)}\n`, { mode: 0o644 });
    };
    await Promise.all(Array.from({ length: 16 }, writer));
    if (state === true) await rm(target, { recursive: true });
    else if (state === false) {
      old = await mkdtemp(path.join(parent, `.${path.basename(target)}.replaced-`));
      await rename(target, path.join(old, "dir"));
    }
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    if (old) await rename(path.join(old, "dir"), target).catch(() => {});
    throw err;
  } finally {
    if (old) await rm(old, { recursive: true, force: true });
  }
  return plan;
}
