/**
 * The DynamoDB store: the same code against a real table and against the embedded
 * dynalite. Readers only reach findings through run records, and the run record is
 * written after its findings, so a run is seen completely or not at all.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand, type QueryCommandInput, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type FindingState, openStates } from "../compare/changes.js";
import type { Finding } from "../findings/model.js";
import { type BatchOptions, batchDelete, batchPut } from "./batch.js";
import { CHAIN_VERSION, expiryOf, findingsHash, GENESIS_HASH, plain, runHash } from "./canonical.js";
import { ChainConflictError, noChainKeyError, RunNotFoundError, StoreError } from "./errors.js";
import {
  CHAIN_PK,
  checkKey,
  findingSk,
  findingsPk,
  GSI_CHECK,
  GSI_RUN_RESOURCE,
  GSI_RUNS_OPEN,
  HEAD_SK,
  OPEN_GSI_PK,
  RUN_SK_PREFIX,
  RUNS_GSI_PK,
  resourceKey,
  runIdKey,
  runSk,
  STATE_SHARDS,
  statePk,
  stateShard,
  TTL_ATTRIBUTE,
  timeKey,
} from "./keys.js";
import { type ChainSeal, headSealMessage, type ReceiptMark, receiptSealMessage, runSealMessage } from "./seal.js";
import type {
  AppendRunInput,
  ChainHead,
  HistoryRow,
  NotifiedMark,
  NotifiedReceipt,
  Store,
  StoredRun,
  TimeRange,
  WriteStats,
} from "./types.js";

export { CHAIN_KEY_ENV } from "./errors.js";

const RECEIPT_SK = "NOTIFIED";

function latestExpiry(...times: (number | undefined)[]): number | undefined {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length ? Math.max(...known) : undefined;
}

function receiptMark(m: NotifiedMark): ReceiptMark {
  return {
    findingId: m.findingId,
    lastNotifiedAt: m.lastNotifiedAt,
    lastNotifiedChange: m.lastNotifiedChange,
    ...(m.notifiedEpisode !== undefined ? { notifiedEpisode: m.notifiedEpisode } : {}),
  };
}

type Item = Record<string, unknown>;

const KEY_ATTRIBUTES = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "type", TTL_ATTRIBUTE];

export interface DynamoStoreOptions {
  description: string;
  /** Seals runs, the head and receipts. Without it the store can be read but not written. */
  seal?: ChainSeal;
  batch?: BatchOptions;
  onClose?: () => Promise<void>;
}

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export class DynamoStore implements Store {
  readonly persistent = true;
  readonly description: string;
  readonly seal: ChainSeal | undefined;
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
    private readonly opts: DynamoStoreOptions,
  ) {
    this.description = opts.description;
    this.seal = opts.seal;
    this.doc = documentClient(client);
  }

  async close(): Promise<void> {
    this.client.destroy();
    await this.opts.onClose?.();
  }

  // ---- writes

  /** The seal, or a StoreError saying how to give one: an unsealed run would be evidence anyone could rewrite. */
  private requireSeal(): ChainSeal {
    if (!this.seal) throw noChainKeyError(this.description);
    return this.seal;
  }

  async appendRun(input: AppendRunInput): Promise<StoredRun & { stats: WriteStats }> {
    const seal = this.requireSeal();
    const stats: WriteStats = { requests: 0 };
    const [latest, head] = await Promise.all([this.latestRun(stats), this.sealedHead(seal, stats)]);
    if (latest && latest.v !== CHAIN_VERSION) {
      throw new StoreError(
        `${this.description} holds a chain of format ${latest.v ?? "2 or earlier"}; this version writes format ${CHAIN_VERSION}: start a new chain in a new table or local directory and keep this one as read-only evidence`,
      );
    }
    // Runs removed from the end (the head names a later one) stay a visible gap: the next
    // run takes the position after the head and links to the head's hash.
    const after = head && head.seq > (latest?.seq ?? 0) ? { seq: head.seq, hash: head.hash } : latest;
    const seq = (after?.seq ?? 0) + 1;
    const prevHash = after?.hash ?? GENESIS_HASH;
    const run = plain(input.run);
    const findings = plain(input.findings);
    const scope = input.scope ?? "full";
    const recordedAt = input.recordedAt.toISOString();
    const retentionDays = input.retentionDays;
    const expiresAt = expiryOf(recordedAt, retentionDays);
    const priorExpiresAt = latestExpiry(latest?.priorExpiresAt, latest?.expiresAt, head?.expiresAt);
    const content = {
      seq,
      prevHash,
      run,
      findingsHash: findingsHash(findings),
      findingCount: findings.length,
      scope,
      recordedAt,
      retentionDays,
      expiresAt,
      ...(priorExpiresAt !== undefined ? { priorExpiresAt } : {}),
    };
    const hash = runHash(content);
    const mac = await seal.sign(runSealMessage({ seq, runId: run.id, hash }));
    const at = timeKey(run.startedAt);

    const findingItems = findings.map((finding) => findingItem(run.id, at, finding, expiresAt));
    stats.requests += (await batchPut(this.doc, this.tableName, findingItems, this.opts.batch)).requests;

    const stored: StoredRun = { v: CHAIN_VERSION, ...content, hash, mac };
    try {
      stats.requests++;
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: runItem(stored),
          // The chain position is claimed by this one conditional write: two writers that
          // read the same latest run cannot both append after it.
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        // A retry of this run writes under the same RUN#<runId> key, maybe with fewer
        // findings (another writer's run changed the states): leftovers would join it.
        await batchDelete(
          this.doc,
          this.tableName,
          findingItems.map((i) => ({ pk: i.pk, sk: i.sk })),
          this.opts.batch,
        ).catch(() => undefined);
        throw new ChainConflictError(`another run was recorded as run #${seq} first; run ${run.id} was not recorded`);
      }
      throw err;
    }
    const headExpiresAt = latestExpiry(priorExpiresAt, expiresAt) ?? expiresAt;
    stats.requests++;
    await this.advanceHead(seal, { seq, runId: run.id, hash, expiresAt: headExpiresAt });

    const stateItems = input.states.map((s) => stateItem(plain(s), expiresAt));
    stats.requests += (await batchPut(this.doc, this.tableName, stateItems, this.opts.batch)).requests;
    return { ...stored, stats };
  }

  /** The head when its seal holds; a forged head is ignored here and reported by verify. */
  private async sealedHead(seal: ChainSeal, stats: WriteStats): Promise<ChainHead | undefined> {
    stats.requests++;
    const head = await this.chainHead();
    if (!head?.mac) return undefined;
    return (await seal.verify(headSealMessage(head), head.mac)) ? head : undefined;
  }

  /** The head only moves forward; it lets verify notice runs removed from the end of the chain. */
  private async advanceHead(seal: ChainSeal, head: ChainHead): Promise<void> {
    const mac = await seal.sign(headSealMessage(head));
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          // Not under the TTL attribute's name: the head must outlive the runs it points to.
          Item: {
            pk: CHAIN_PK,
            sk: HEAD_SK,
            type: "head",
            v: CHAIN_VERSION,
            seq: head.seq,
            runId: head.runId,
            hash: head.hash,
            headExpiresAt: head.expiresAt,
            mac,
          },
          ConditionExpression: "attribute_not_exists(pk) OR seq < :seq",
          ExpressionAttributeValues: { ":seq": head.seq },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async markNotified(marks: readonly NotifiedMark[]): Promise<void> {
    if (marks.length === 0) return;
    const seal = this.requireSeal();
    // The sealed receipt first: a state mark is never without the receipt that backs it.
    const byRun = new Map<string, ReceiptMark[]>();
    for (const m of marks) {
      const list = byRun.get(m.runId) ?? [];
      list.push(receiptMark(m));
      byRun.set(m.runId, list);
    }
    for (const [runId, list] of byRun) {
      const receipt = { runId, marks: list };
      const mac = await seal.sign(receiptSealMessage(receipt));
      const run = await this.getRun(runId);
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: findingsPk(runId),
            sk: RECEIPT_SK,
            type: "receipt",
            ...receipt,
            mac,
            ...(run?.expiresAt !== undefined ? { [TTL_ATTRIBUTE]: run.expiresAt } : {}),
          },
        }),
      );
    }
    let next = 0;
    const worker = async () => {
      while (next < marks.length) {
        const mark = marks[next++];
        if (mark) await this.markOne(mark);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, marks.length) }, worker));
  }

  async notifiedReceipt(runId: string): Promise<NotifiedReceipt | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: "pk = :pk AND sk = :sk",
      ExpressionAttributeValues: { ":pk": findingsPk(runId), ":sk": RECEIPT_SK },
      ConsistentRead: true,
    });
    const item = items[0];
    if (!item) return undefined;
    return { runId: item.runId as string, marks: item.marks as ReceiptMark[], ...(typeof item.mac === "string" ? { mac: item.mac } : {}) };
  }

  private async markOne(mark: NotifiedMark): Promise<void> {
    const values: Item = { ":at": mark.lastNotifiedAt, ":change": mark.lastNotifiedChange, ":run": mark.runId };
    let update = "SET lastNotifiedAt = :at, lastNotifiedChange = :change, lastNotifiedRunId = :run";
    if (mark.notifiedEpisode !== undefined) {
      update += ", notifiedEpisode = :episode";
      values[":episode"] = mark.notifiedEpisode;
    }
    let condition = "attribute_exists(pk)";
    if (mark.openSince !== undefined) {
      condition += " AND openSince = :since";
      values[":since"] = mark.openSince;
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: statePk(stateShard(mark.findingId)), sk: findingSk(mark.findingId) },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      // The finding started a new episode meanwhile: that one has not been told yet.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  // ---- reads

  async loadStates(): Promise<Map<string, FindingState>> {
    const shards = await Promise.all(
      Array.from({ length: STATE_SHARDS }, (_, shard) =>
        this.queryAll({
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": statePk(shard) },
          ConsistentRead: true,
        }),
      ),
    );
    const out = new Map<string, FindingState>();
    for (const item of shards.flat()) {
      const state = strip(item) as unknown as FindingState;
      out.set(state.findingId, state);
    }
    return out;
  }

  async listRuns(range: TimeRange & { limit?: number } = {}): Promise<StoredRun[]> {
    const items = await this.queryAll(
      {
        IndexName: GSI_RUNS_OPEN,
        KeyConditionExpression: "gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": RUNS_GSI_PK, ...bounds(range) },
        ScanIndexForward: false,
      },
      range.limit,
    );
    return items.map(toStoredRun);
  }

  async getRun(runId: string): Promise<StoredRun | undefined> {
    const items = await this.queryAll({
      IndexName: GSI_RUN_RESOURCE,
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": runIdKey(runId) },
    });
    return items[0] ? toStoredRun(items[0]) : undefined;
  }

  async runFindings(runId: string): Promise<Finding[]> {
    const run = await this.getRun(runId);
    if (!run) throw new RunNotFoundError(`no recorded run ${runId}`);
    return this.findingsOf(runId);
  }

  private async findingsOf(runId: string): Promise<Finding[]> {
    const items = await this.queryAll({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :f)",
      ExpressionAttributeValues: { ":pk": findingsPk(runId), ":f": "F#" },
      ConsistentRead: true,
    });
    return items.map((i) => i.finding as Finding);
  }

  resourceHistory(resourceId: string, range: TimeRange = {}): Promise<HistoryRow[]> {
    return this.history(GSI_RUN_RESOURCE, "gsi2", resourceKey(resourceId), range);
  }

  checkHistory(checkId: string, range: TimeRange = {}): Promise<HistoryRow[]> {
    return this.history(GSI_CHECK, "gsi3", checkKey(checkId), range);
  }

  private async history(index: string, prefix: string, key: string, range: TimeRange): Promise<HistoryRow[]> {
    const [items, runs] = await Promise.all([
      this.queryAll({
        IndexName: index,
        KeyConditionExpression: `${prefix}pk = :pk AND ${prefix}sk BETWEEN :from AND :to`,
        ExpressionAttributeValues: { ":pk": key, ...bounds(range) },
        ScanIndexForward: false,
      }),
      this.listRuns(range),
    ]);
    // Findings of a run whose record is missing belong to a half-written run: invisible.
    const recorded = new Set(runs.map((r) => r.run.id));
    return items
      .filter((i) => recorded.has(i.runId as string))
      .map((i) => ({ runId: i.runId as string, at: i.at as string, finding: i.finding as Finding }));
  }

  async openFindings(): Promise<FindingState[]> {
    const items = await this.queryAll({
      IndexName: GSI_RUNS_OPEN,
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": OPEN_GSI_PK },
    });
    return openStates(items.map((i) => strip(i) as unknown as FindingState));
  }

  async *chainRuns(): AsyncIterable<StoredRun> {
    let start: Item | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :run)",
          ExpressionAttributeValues: { ":pk": CHAIN_PK, ":run": RUN_SK_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) yield toStoredRun(item);
      start = out.LastEvaluatedKey;
    } while (start);
  }

  /** Findings of a run, for verification (no visibility check: the run record was just read). */
  chainFindings(runId: string): Promise<Finding[]> {
    return this.findingsOf(runId);
  }

  async chainHead(): Promise<ChainHead | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: "pk = :pk AND sk = :sk",
      ExpressionAttributeValues: { ":pk": CHAIN_PK, ":sk": HEAD_SK },
      ConsistentRead: true,
    });
    const item = items[0];
    if (!item) return undefined;
    const head: ChainHead = { seq: item.seq as number, runId: item.runId as string, hash: item.hash as string };
    // The head item has no TTL of its own: `expiresAt` here is the runs', kept as data.
    if (typeof item.headExpiresAt === "number") head.expiresAt = item.headExpiresAt;
    if (typeof item.mac === "string") head.mac = item.mac;
    return head;
  }

  private async latestRun(stats: WriteStats): Promise<StoredRun | undefined> {
    stats.requests++;
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :run)",
        ExpressionAttributeValues: { ":pk": CHAIN_PK, ":run": RUN_SK_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? toStoredRun(item) : undefined;
  }

  /** Every page of a Query (DynamoDB returns at most 1 MB per page). */
  private async queryAll(input: Omit<QueryCommandInput, "TableName">, limit?: number): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          ExclusiveStartKey: start,
          ...(limit !== undefined ? { Limit: limit - out.length } : {}),
        }),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && (limit === undefined || out.length < limit));
    return out;
  }
}

function bounds(range: TimeRange): Item {
  return {
    ":from": range.since ? timeKey(range.since) : "0",
    ":to": `${range.until ? timeKey(range.until) : "9999"}#\uffff`,
  };
}

function runItem(stored: StoredRun): Item {
  return {
    pk: CHAIN_PK,
    sk: runSk(stored.seq),
    type: "run",
    gsi1pk: RUNS_GSI_PK,
    gsi1sk: `${timeKey(stored.run.startedAt)}#${stored.run.id}`,
    gsi2pk: runIdKey(stored.run.id),
    gsi2sk: "RUN",
    ...stored,
  };
}

function toStoredRun(item: Item): StoredRun {
  const run = strip(item) as unknown as StoredRun;
  if (typeof item[TTL_ATTRIBUTE] === "number") run.expiresAt = item[TTL_ATTRIBUTE];
  return run;
}

function findingItem(runId: string, at: string, finding: Finding, expiresAt: number): Item {
  const tail = `${at}#${runId}#${finding.id}`;
  return {
    pk: findingsPk(runId),
    sk: findingSk(finding.id),
    type: "finding",
    gsi2pk: resourceKey(finding.resource.id),
    gsi2sk: tail,
    gsi3pk: checkKey(finding.checkId),
    gsi3sk: tail,
    runId,
    at,
    status: finding.status,
    finding,
    [TTL_ATTRIBUTE]: expiresAt,
  };
}

function stateItem(state: FindingState, expiresAt: number): Item {
  const item: Item = {
    pk: statePk(stateShard(state.findingId)),
    sk: findingSk(state.findingId),
    type: "state",
    ...state,
    [TTL_ATTRIBUTE]: expiresAt,
  };
  if (state.open) {
    item.gsi1pk = OPEN_GSI_PK;
    item.gsi1sk = `${state.openSince ?? ""}#${state.findingId}`;
  }
  return item;
}

function strip(item: Item): Item {
  const out: Item = {};
  for (const [key, value] of Object.entries(item)) {
    if (!KEY_ATTRIBUTES.includes(key)) out[key] = value;
  }
  return out;
}

/** Item builders, for tests that need to write what a crashed writer would leave behind. */
export const items = { findingItem, runItem, stateItem };
