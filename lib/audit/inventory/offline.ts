/**
 * The offline inventory reader: a directory of AWS CLI `--output json` exports (the layout
 * of CONTRACTS.md, flat or nested as ACCOUNT/REGION/) read into inventory partitions.
 * A missing file is an observation gap (`ok: false`), which fails the checks that needed
 * it closed; a file that is there but unreadable is an InventoryError, because guessing
 * at a broken export could turn a violation into a PASS.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { InventoryError } from "./offline-errors.js";
import { readJsonFile } from "./offline-file.js";
import { type ArnSighting, arnSightings } from "./offline-identity.js";
import { readLogGroups } from "./offline-logs.js";
import { EXPORTS, metaSchema } from "./offline-schemas.js";
import { readTrails } from "./offline-trails.js";
import {
  INVENTORY_FILES,
  type Inventory,
  type InventoryPartition,
  type Observed,
  type PartitionField,
  secretFileName,
  sourceOf,
} from "./types.js";

export { InventoryError } from "./offline-errors.js";

export interface ReadOfflineOptions {
  /** Told about files that are ignored or look incomplete (the CLI prints these to stderr). */
  onWarning?: (message: string) => void;
}

/** Account and region of a partition when nothing says: no meta.json, no ARN in any export. */
export const UNKNOWN = "unknown";

const ACCOUNT_DIR = /^\d{12}$/;
const REGION_DIR = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

const LIST_FIELDS = [
  "securityGroups",
  "dbInstances",
  "dbClusters",
  "replicationGroups",
  "cacheClusters",
  "serverlessCaches",
  "userGroups",
  "users",
  "subnets",
  "routeTables",
  "networkAcls",
  "cacheSubnetGroups",
] as const satisfies readonly PartitionField[];
type ListField = (typeof LIST_FIELDS)[number];

const KEYED_FIELDS = [
  "prefixListEntries",
  "dbParameters",
  "dbClusterParameters",
  "cacheTags",
  "secrets",
] as const satisfies readonly PartitionField[];
type KeyedField = (typeof KEYED_FIELDS)[number];

const DATA_NAMES = new Set<string>([...LIST_FIELDS, ...KEYED_FIELDS].map((f) => INVENTORY_FILES[f]));
const TRAIL_NAMES = [INVENTORY_FILES.trails, INVENTORY_FILES.trailStatus, INVENTORY_FILES.eventSelectors];
const KNOWN_NAMES = new Set<string>([...DATA_NAMES, ...TRAIL_NAMES, INVENTORY_FILES.meta, INVENTORY_FILES.logEvents]);

function trimDir(dir: string): string {
  const trimmed = dir.replace(/[\\/]+$/, "");
  return trimmed === "" ? dir : trimmed;
}

function notInventory(dir: string, why: string): InventoryError {
  return new InventoryError(
    `${dir}: not an inventory directory (${why}; expected AWS CLI exports such as ec2-describe-security-groups.json, or ACCOUNT/REGION/ directories)`,
  );
}

async function entriesOf(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw notInventory(dir, "no such directory");
    if (code === "ENOTDIR") throw notInventory(dir, "it is a file");
    throw new InventoryError(`${dir}: cannot read the directory (${code ?? String(err)})`);
  }
}

/** Reads an offline inventory directory. Partitions come sorted by account, then region. */
export async function readOfflineInventory(dir: string, options: ReadOfflineOptions = {}): Promise<Inventory> {
  const warn = options.onWarning ?? (() => {});
  const root = trimDir(dir);
  const entries = await entriesOf(root);
  const data = entries.filter((e) => DATA_NAMES.has(e.name));
  const accounts = entries.filter((e) => e.isDirectory() && ACCOUNT_DIR.test(e.name));

  if (data.length > 0 && accounts.length > 0) {
    throw new InventoryError(
      `${root}: expected either the exports themselves or ACCOUNT/REGION/ directories, not both (found ${data[0]?.name} and ${accounts[0]?.name}/)`,
    );
  }
  // meta.json alone is a partition too: a snapshot of an account that could not be reached.
  const hasMeta = entries.some((e) => e.name === INVENTORY_FILES.meta);
  if (data.length > 0 || (hasMeta && accounts.length === 0)) {
    for (const e of entries) if (!KNOWN_NAMES.has(e.name)) warn(`${path.join(root, e.name)}: not part of the inventory layout; ignored`);
    return { partitions: [await readPartition(root, undefined, warn)] };
  }
  if (accounts.length === 0) throw notInventory(root, entries.length === 0 ? "it is empty" : "no AWS CLI export in it");

  for (const e of entries) {
    if (!accounts.includes(e)) warn(`${path.join(root, e.name)}: not an ACCOUNT/ directory (12 digits); ignored`);
  }
  const partitions: Promise<InventoryPartition>[] = [];
  for (const account of [...accounts].sort((a, b) => a.name.localeCompare(b.name))) {
    const accountDir = path.join(root, account.name);
    const regionEntries = await entriesOf(accountDir);
    const regions = regionEntries.filter((e) => e.isDirectory() && REGION_DIR.test(e.name));
    for (const e of regionEntries) {
      if (!regions.includes(e)) warn(`${path.join(accountDir, e.name)}: not a REGION/ directory (such as eu-west-1); ignored`);
    }
    if (regions.length === 0) {
      throw new InventoryError(
        `${accountDir}: expected REGION/ directories such as eu-west-1 holding the exports of account ${account.name}`,
      );
    }
    for (const region of [...regions].sort((a, b) => a.name.localeCompare(b.name))) {
      const partitionDir = path.join(accountDir, region.name);
      partitions.push(
        (async () => {
          const inside = await entriesOf(partitionDir);
          if (!inside.some((e) => KNOWN_NAMES.has(e.name))) throw notInventory(partitionDir, "no AWS CLI export or meta.json in it");
          for (const e of inside)
            if (!KNOWN_NAMES.has(e.name)) warn(`${path.join(partitionDir, e.name)}: not part of the inventory layout; ignored`);
          return readPartition(partitionDir, { account: account.name, region: region.name }, warn);
        })(),
      );
    }
  }
  return { partitions: await Promise.all(partitions) };
}

type Declared = { account: string; region: string };

async function readPartition(dir: string, fromDirs: Declared | undefined, warn: (m: string) => void): Promise<InventoryPartition> {
  const origin = { kind: "offline" as const, dir };
  const metaFile = path.join(dir, INVENTORY_FILES.meta);
  const meta = await readJsonFile(metaFile, metaSchema, 'the inventory metadata {"capturedAt": …, "account": …, "region": …}');
  if (meta.ok && fromDirs) {
    for (const key of ["account", "region"] as const) {
      const said = meta.value[key];
      if (said !== undefined && said !== fromDirs[key]) {
        throw new InventoryError(`${metaFile}: ${key}: expected ${fromDirs[key]} (the directory's name), found ${said}`);
      }
    }
  }

  const sightings: ArnSighting[] = [];
  const lists = await Promise.all(LIST_FIELDS.map((field) => readList(dir, field, sightings)));
  const keyed = await Promise.all(KEYED_FIELDS.map((field) => readKeyed(dir, field, sightings, warn)));

  const { account, region } = identify(dir, fromDirs, meta.ok ? meta.value : undefined, sightings, lists[0]);
  const partition: Pick<InventoryPartition, "origin"> = { origin };
  // Parts the snapshot could not capture keep their original cause; other missing files are plain gaps.
  const recorded = new Map((meta.ok ? (meta.value.notCaptured ?? []) : []).map((n) => [n.file, n]));
  const missingError = (file: string, source: string) => {
    const cause = recorded.get(file);
    return cause
      ? { source: cause.source, reason: cause.reason, ...(cause.code ? { code: cause.code } : {}), account, region }
      : { source, reason: "the file is missing from the inventory", code: "NotCaptured", account, region, ref: file };
  };
  const observed = <T>(field: ListField, read: ListRead): Observed<T> =>
    read.ok ? { ok: true, value: read.value as T } : { ok: false, error: missingError(INVENTORY_FILES[field], sourceOf(partition, field)) };
  const logEvents = await readLogGroups(dir, meta.ok ? meta.value : undefined, warn);
  for (const [file] of recorded) {
    const [dirName, fileName] = file.split("/");
    if (dirName === INVENTORY_FILES.logEvents && fileName?.endsWith(".json")) {
      const group = fileName.slice(0, -5).replaceAll("__", "/");
      if (!logEvents[group]) logEvents[group] = { ok: false, error: missingError(file, sourceOf(partition, "logEvents", group)) };
      continue;
    }
    const field = KEYED_FIELDS.find((f) => INVENTORY_FILES[f] === dirName);
    if (!field || !fileName?.endsWith(".json")) continue;
    const key = field === "secrets" ? fileName.slice(0, -5).replaceAll("__", "/") : fileName.slice(0, -5);
    const entries = keyed[KEYED_FIELDS.indexOf(field)] as Record<string, Observed<unknown>>;
    if (!entries[key]) entries[key] = { ok: false, error: missingError(file, sourceOf(partition, field, key)) };
  }

  const [
    securityGroups,
    dbInstances,
    dbClusters,
    replicationGroups,
    cacheClusters,
    serverlessCaches,
    userGroups,
    users,
    subnets,
    routeTables,
    networkAcls,
    cacheSubnetGroups,
  ] = lists;
  const [prefixListEntries, dbParameters, dbClusterParameters, cacheTags, secrets] = keyed;

  if (cacheClusters?.ok && cacheClusters.value.some((c) => (c as { CacheNodes?: unknown }).CacheNodes === undefined)) {
    warn(
      `${sourceOf(partition, "cacheClusters")}: cache clusters without CacheNodes; capture it with --show-cache-node-info so their ports are known`,
    );
  }

  const out: InventoryPartition = {
    account,
    region,
    origin,
    securityGroups: observed("securityGroups", securityGroups as ListRead),
    prefixListEntries: prefixListEntries as InventoryPartition["prefixListEntries"],
    dbInstances: observed("dbInstances", dbInstances as ListRead),
    dbClusters: observed("dbClusters", dbClusters as ListRead),
    dbParameters: dbParameters as InventoryPartition["dbParameters"],
    dbClusterParameters: dbClusterParameters as InventoryPartition["dbClusterParameters"],
    replicationGroups: observed("replicationGroups", replicationGroups as ListRead),
    cacheClusters: observed("cacheClusters", cacheClusters as ListRead),
    serverlessCaches: observed("serverlessCaches", serverlessCaches as ListRead),
    userGroups: observed("userGroups", userGroups as ListRead),
    users: observed("users", users as ListRead),
    cacheTags: cacheTags as InventoryPartition["cacheTags"],
    secrets: secrets as unknown as InventoryPartition["secrets"],
    subnets: observed("subnets", subnets as ListRead),
    routeTables: observed("routeTables", routeTables as ListRead),
    networkAcls: observed("networkAcls", networkAcls as ListRead),
    cacheSubnetGroups: observed("cacheSubnetGroups", cacheSubnetGroups as ListRead),
    ...(await readTrails(dir, region, missingError)),
    logEvents,
  };
  if (meta.ok && meta.value.logsSince !== undefined) out.logsSince = meta.value.logsSince;
  if (meta.ok && meta.value.capturedAt !== undefined) out.capturedAt = meta.value.capturedAt;
  if (!meta.ok) out.withoutMeta = true;
  return out;
}

type ListRead = { ok: true; value: unknown[] } | { ok: false };

async function readList(dir: string, field: ListField, sightings: ArnSighting[]): Promise<ListRead> {
  const spec = EXPORTS[field];
  const file = path.join(dir, INVENTORY_FILES[field]);
  const read = await readJsonFile(file, spec.schema, `the output of \`${spec.command} --output json\``, { key: spec.key, item: spec.item });
  if (!read.ok) return { ok: false };
  const data = read.value as Record<string, unknown>;
  sightings.push(...arnSightings(file, data, spec.key));
  return { ok: true, value: data[spec.key] as unknown[] };
}

/** A directory of one export per key (parameter group, prefix list, cache id, secret). Missing directory: no keys captured. */
async function readKeyed(
  dir: string,
  field: KeyedField,
  sightings: ArnSighting[],
  warn: (m: string) => void,
): Promise<Record<string, Observed<unknown>>> {
  const spec = EXPORTS[field];
  const keyedDir = path.join(dir, INVENTORY_FILES[field]);
  let names: string[];
  try {
    const entries = await readdir(keyedDir, { withFileTypes: true });
    names = [];
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith(".json") && e.name.length > ".json".length) names.push(e.name);
      else warn(`${path.join(keyedDir, e.name)}: not a .json export; ignored`);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return {};
    if (code === "ENOTDIR")
      throw new InventoryError(`${keyedDir}: expected a directory of ${field === "secrets" ? "NAME" : "ID"}.json files, found a file`);
    throw new InventoryError(`${keyedDir}: cannot read the directory (${code ?? String(err)})`);
  }
  names.sort();
  const what = `the output of \`${spec.command} --output json\``;
  const shape = spec.key !== undefined && spec.item !== undefined ? { key: spec.key, item: spec.item } : undefined;
  const reads = await Promise.all(names.map((name) => readJsonFile(path.join(keyedDir, name), spec.schema, what, shape)));
  const out: Record<string, Observed<unknown>> = {};
  const fileOf = new Map<string, string>();
  reads.forEach((read, i) => {
    const name = names[i] as string;
    const file = path.join(keyedDir, name);
    if (!read.ok) return; // deleted between readdir and read: treat as not captured
    const data = read.value as Record<string, unknown>;
    sightings.push(...arnSightings(file, data, spec.key));
    const stem = name.slice(0, -".json".length);
    if (field !== "secrets") {
      out[stem] = { ok: true, value: data[spec.key as string] };
      return;
    }
    // The file name only approximates the secret's name ('/' became '__'); the export's own Name is exact.
    const secretName = typeof data.Name === "string" ? data.Name : stem.replaceAll("__", "/");
    if (typeof data.Name === "string" && secretFileName(data.Name) !== name) {
      warn(`${file}: holds secret ${data.Name}, whose file name would be ${secretFileName(data.Name)}; read as ${data.Name}`);
    }
    const earlier = fileOf.get(secretName);
    if (earlier) throw new InventoryError(`${file}: Name: expected each secret once; ${secretName} is also in ${earlier}`);
    fileOf.set(secretName, file);
    out[secretName] = { ok: true, value: data };
  });
  return out;
}

/**
 * The partition's account and region: the directory names, else meta.json, else the ARNs in
 * the exports (else the security groups' OwnerId for the account), else "unknown". Every
 * ARN must agree with the answer.
 */
function identify(
  dir: string,
  fromDirs: Declared | undefined,
  meta: { account?: string | undefined; region?: string | undefined } | undefined,
  sightings: ArnSighting[],
  securityGroups: ListRead | undefined,
): Declared {
  const first = sightings[0];
  const owner = securityGroups?.ok
    ? (securityGroups.value as { OwnerId?: unknown }[]).map((g) => g.OwnerId).find((o): o is string => typeof o === "string")
    : undefined;
  const account = fromDirs?.account ?? meta?.account ?? first?.account ?? owner ?? UNKNOWN;
  const region = fromDirs?.region ?? meta?.region ?? first?.region ?? UNKNOWN;
  const basis = (key: "account" | "region") =>
    fromDirs
      ? "the directory's name"
      : meta?.[key] !== undefined
        ? `${path.join(dir, INVENTORY_FILES.meta)}`
        : `${first?.file} ${first?.path}`;
  for (const s of sightings) {
    if (s.account !== account) {
      throw new InventoryError(
        `${s.file}: ${s.path}: expected a resource of account ${account} (per ${basis("account")}), found account ${s.account}; put each account's exports in its own ACCOUNT/REGION/ directory`,
      );
    }
    if (s.region !== region) {
      throw new InventoryError(
        `${s.file}: ${s.path}: expected a resource in region ${region} (per ${basis("region")}), found region ${s.region}; put each region's exports in its own ACCOUNT/REGION/ directory`,
      );
    }
  }
  return { account, region };
}
