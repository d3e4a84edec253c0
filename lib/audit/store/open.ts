/**
 * `--store local[:DIR] | dynamodb:TABLE | none` to a Store.
 */

import { resolve } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import type { BatchOptions } from "./batch.js";
import { DynamoStore } from "./dynamo-store.js";
import { StoreError, StoreSpecError } from "./errors.js";
import { createTableInput } from "./keys.js";
import { startLocalDynamo } from "./local.js";
import { NoStore } from "./none.js";
import type { Store } from "./types.js";

export const DEFAULT_LOCAL_DIR = "./.queue-auditor/";
export const LOCAL_TABLE = "queue-auditor";
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

export type StoreSpec = { kind: "local"; dir: string | undefined } | { kind: "dynamodb"; table: string } | { kind: "none" };

export function parseStoreSpec(spec: string): StoreSpec {
  if (spec === "none") return { kind: "none" };
  if (spec === "local") return { kind: "local", dir: DEFAULT_LOCAL_DIR };
  if (spec === "local:memory") return { kind: "local", dir: undefined };
  if (spec.startsWith("local:")) {
    const dir = spec.slice("local:".length);
    if (dir === "") throw new StoreSpecError(`--store ${spec}: expected local:DIR with a directory`);
    return { kind: "local", dir };
  }
  if (spec.startsWith("dynamodb:")) {
    const table = spec.slice("dynamodb:".length);
    if (!TABLE_NAME.test(table)) {
      throw new StoreSpecError(`--store ${spec}: expected dynamodb:TABLE with a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)`);
    }
    return { kind: "dynamodb", table };
  }
  throw new StoreSpecError(`--store ${spec}: expected local[:DIR], dynamodb:TABLE or none`);
}

export interface OpenStoreOptions {
  /** Base for a relative local DIR. Default: the working directory. */
  cwd?: string;
  /** For dynamodb:TABLE; default: the SDK's configured region. */
  region?: string;
  /** For dynamodb:TABLE: a client to use instead of one from the default credential chain. */
  client?: DynamoDBClient;
  batch?: BatchOptions;
}

export async function openStore(spec: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const parsed = parseStoreSpec(spec);
  if (parsed.kind === "none") return new NoStore();
  if (parsed.kind === "dynamodb") {
    const client = opts.client ?? new DynamoDBClient(opts.region ? { region: opts.region } : {});
    return new DynamoStore(client, parsed.table, { description: `dynamodb:${parsed.table}`, batch: opts.batch });
  }
  const dir = parsed.dir === undefined ? undefined : resolve(opts.cwd ?? process.cwd(), parsed.dir);
  const local = await startLocalDynamo(dir);
  try {
    await ensureTable(local.client, LOCAL_TABLE);
  } catch (err) {
    local.client.destroy();
    await local.close();
    const why = (err as Error).message;
    throw new StoreError(
      `cannot open the local store${dir ? ` in ${dir}` : ""}: ${why}${/lock/i.test(why) ? " (is another queue-auditor using it?)" : ""}`,
    );
  }
  return new DynamoStore(local.client, LOCAL_TABLE, {
    description: dir ? `local:${dir}` : "local:memory",
    batch: opts.batch,
    onClose: local.close,
  });
}

/** Creates the table (keys, GSIs, TTL) unless it exists. Used for the embedded store and by tests. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TimeToLiveSpecification, ...input } = createTableInput(tableName);
  try {
    await client.send(new CreateTableCommand(input));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
    return;
  }
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === "ACTIVE") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification }));
  } catch (err) {
    // dynalite does not implement TTL; locally nothing expires (items still carry the attribute).
    if ((err as { name?: string }).name !== "UnknownOperationException") throw err;
  }
}
