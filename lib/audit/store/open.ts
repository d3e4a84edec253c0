/**
 * `--store local[:DIR] | dynamodb:TABLE | none` to a Store.
 */

import { join, resolve } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import type { BatchOptions } from "./batch.js";
import { DynamoStore } from "./dynamo-store.js";
import { CHAIN_KEY_ENV, StoreError, StoreSpecError } from "./errors.js";
import { createTableInput } from "./keys.js";
import { startLocalDynamo } from "./local.js";
import { NoStore } from "./none.js";
import { KmsSeal } from "./seal-kms.js";
import { keyFileSeal, LOCAL_KEY_FILE, memorySeal } from "./seal-local.js";
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
  /**
   * For dynamodb:TABLE: the KMS HMAC key (id, ARN or alias) that seals the chain.
   * Default: the environment variable QUEUE_AUDITOR_CHAIN_KEY. Local stores use the key
   * file DIR/chain.key (mode 0600, created on the first write).
   */
  chainKey?: string;
  /** For dynamodb:TABLE: the KMS client for the chain key. */
  kms?: KMSClient;
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
    const keyId = opts.chainKey ?? process.env[CHAIN_KEY_ENV];
    const seal = keyId ? new KmsSeal(opts.kms ?? new KMSClient(opts.region ? { region: opts.region } : {}), keyId) : undefined;
    return new DynamoStore(client, parsed.table, { description: `dynamodb:${parsed.table}`, batch: opts.batch, ...(seal ? { seal } : {}) });
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
    seal: dir ? keyFileSeal(join(dir, LOCAL_KEY_FILE)) : memorySeal(),
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
