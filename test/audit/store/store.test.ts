import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { recordRun } from "../../../lib/audit/record.js";
import { verifyChain } from "../../../lib/audit/store/chain.js";
import { DynamoStore, items } from "../../../lib/audit/store/dynamo-store.js";
import { ChainConflictError, RunNotFoundError, StoreSpecError } from "../../../lib/audit/store/errors.js";
import { findingSk, findingsPk, runSk, statePk, stateShard } from "../../../lib/audit/store/keys.js";
import { openStore, parseStoreSpec } from "../../../lib/audit/store/open.js";
import type { ChainSeal } from "../../../lib/audit/store/seal.js";
import type { Store } from "../../../lib/audit/store/types.js";
import { finding, memoryStore, POLICY, result, TABLE } from "./helpers.js";

const open: { close(): Promise<void> }[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function fresh() {
  const s = await memoryStore();
  open.push(s.store);
  return s;
}

const NOW = new Date("2025-06-01T12:00:00Z");

async function append(store: Store, id: string, at: string, findings = [finding({ id: `f-${id}` })]) {
  return recordRun(store, result(id, at, findings), POLICY, new Date(at));
}

describe("store spec", () => {
  it("parses the --store forms and rejects others with a usage error", () => {
    expect(parseStoreSpec("local")).toEqual({ kind: "local", dir: "./.queue-auditor/" });
    expect(parseStoreSpec("local:/tmp/x")).toEqual({ kind: "local", dir: "/tmp/x" });
    expect(parseStoreSpec("dynamodb:audit-table")).toEqual({ kind: "dynamodb", table: "audit-table" });
    expect(parseStoreSpec("none")).toEqual({ kind: "none" });
    expect(() => parseStoreSpec("dynamodb:a")).toThrow(StoreSpecError);
    expect(() => parseStoreSpec("s3:bucket")).toThrow(/expected local\[:DIR\], dynamodb:TABLE or none/);
  });
});

describe("DynamoDB store on dynalite", () => {
  it("round-trips a run and its findings exactly", async () => {
    const { store } = await fresh();
    const findings = [
      finding({ id: "a1", evidence: { nested: { list: [1, "two", null, { deep: true }] }, empty: "" } }),
      finding({ id: "b2", status: "PASS", subject: undefined }),
    ];
    const res = result("run-1", "2025-06-01T10:00:00.000Z", findings);
    const stored = await store.appendRun({ run: res.run, findings, states: [], retentionDays: 30, recordedAt: NOW });

    expect(stored.seq).toBe(1);
    expect(await store.getRun("run-1")).toMatchObject({ seq: 1, run: res.run, hash: stored.hash, findingCount: 2 });
    const back = await store.runFindings("run-1");
    expect(back.sort((a, b) => a.id.localeCompare(b.id))).toEqual(JSON.parse(JSON.stringify(findings)));
  });

  it("lists runs between two times, newest first", async () => {
    const { store } = await fresh();
    for (const [id, at] of [
      ["r1", "2025-05-01T00:00:00Z"],
      ["r2", "2025-05-02T00:00:00Z"],
      ["r3", "2025-05-03T00:00:00Z"],
      ["r4", "2025-05-04T00:00:00Z"],
    ] as const) {
      await append(store, id, at);
    }
    const between = await store.listRuns({ since: "2025-05-02T00:00:00Z", until: "2025-05-03T00:00:00Z" });
    expect(between.map((r) => r.run.id)).toEqual(["r3", "r2"]);
    expect((await store.listRuns()).map((r) => r.run.id)).toEqual(["r4", "r3", "r2", "r1"]);
    expect((await store.listRuns({ limit: 1 })).map((r) => r.run.id)).toEqual(["r4"]);
  });

  it("answers the history of one resource and of one check over a time range", async () => {
    const { store } = await fresh();
    const sgA = { type: "AWS::EC2::SecurityGroup" as const, id: "sg-0000000a" };
    const sgB = { type: "AWS::EC2::SecurityGroup" as const, id: "sg-0000000b" };
    const db = { type: "AWS::RDS::DBInstance" as const, id: "queue-db" };
    const run = (id: string, at: string) =>
      append(store, id, at, [
        finding({ id: `w-a`, resource: sgA }),
        finding({ id: `w-b`, resource: sgB, status: "PASS" }),
        finding({ id: `p-db`, checkId: "rds-publicly-accessible", resource: db }),
      ]);
    await run("r1", "2025-05-01T00:00:00Z");
    await run("r2", "2025-05-02T00:00:00Z");
    await run("r3", "2025-05-03T00:00:00Z");

    const resource = await store.resourceHistory("sg-0000000a", { since: "2025-05-02T00:00:00Z" });
    expect(resource.map((r) => [r.runId, r.finding.id])).toEqual([
      ["r3", "w-a"],
      ["r2", "w-a"],
    ]);
    const check = await store.checkHistory("sg-world-ingress", { until: "2025-05-01T23:59:59Z" });
    expect(check.map((r) => r.finding.resource.id).sort()).toEqual(["sg-0000000a", "sg-0000000b"]);
    expect(check.every((r) => r.runId === "r1")).toBe(true);
  });

  it("lists the findings open now with when they opened", async () => {
    const { store } = await fresh();
    await append(store, "r1", "2025-05-01T00:00:00Z", [finding({ id: "x" }), finding({ id: "y" })]);
    await append(store, "r2", "2025-05-02T00:00:00Z", [finding({ id: "x" }), finding({ id: "y", status: "PASS" }), finding({ id: "z" })]);

    const open = await store.openFindings();
    expect(open.map((s) => [s.findingId, s.openSince])).toEqual([
      ["x", "2025-05-01T00:00:00Z"],
      ["z", "2025-05-02T00:00:00Z"],
    ]);
    const states = await store.loadStates();
    expect(states.get("y")).toMatchObject({ open: false, resolvedAt: "2025-05-02T00:00:00Z", resolvedBy: "pass" });
  });

  it("keeps open the findings of checks the run did not evaluate", async () => {
    const { store } = await fresh();
    await append(store, "r1", "2025-05-01T00:00:00Z", [finding({ id: "x" })]);
    const run = result("r2", "2025-05-02T00:00:00Z", [finding({ id: "p", checkId: "rds-publicly-accessible", status: "PASS" })]);
    const recorded = await recordRun(store, run, POLICY, new Date("2025-05-02T00:00:00Z"), {
      evaluatedChecks: new Set(["rds-publicly-accessible"]),
    });

    expect(recorded.departed).toEqual([]);
    expect((await store.openFindings()).map((s) => s.findingId)).toEqual(["x"]);
  });

  it("pages through a run larger than one 1 MB query page", async () => {
    const { store } = await fresh();
    const pad = "x".repeat(800);
    const many = Array.from({ length: 2000 }, (_, i) =>
      finding({ id: `f${String(i).padStart(5, "0")}`, resource: { type: "AWS::EC2::SecurityGroup", id: "sg-big" }, evidence: { pad } }),
    );
    await append(store, "big", "2025-05-01T00:00:00Z", many);

    expect(await store.runFindings("big")).toHaveLength(2000);
    expect(await store.resourceHistory("sg-big")).toHaveLength(2000);
    expect(await store.openFindings()).toHaveLength(2000);
    expect((await store.loadStates()).size).toBe(2000);
  });

  it("stamps every item with the TTL attribute from retentionDays", async () => {
    const { store, doc } = await fresh();
    const res = result("r1", "2025-06-01T10:00:00Z", [finding({ id: "t1" })]);
    await recordRun(store, res, { ...POLICY, retentionDays: 10 }, NOW);
    const expected = Math.floor(NOW.getTime() / 1000) + 10 * 86_400;

    const get = async (pk: string, sk: string) => (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk, sk } }))).Item?.expiresAt;
    expect(await get("CHAIN", runSk(1))).toBe(expected);
    expect(await get(findingsPk("r1"), findingSk("t1"))).toBe(expected);
    expect(await get(statePk(stateShard("t1")), findingSk("t1"))).toBe(expected);
  });

  it("keeps a half-written run invisible to every reader", async () => {
    const { store, doc } = await fresh();
    await append(store, "r1", "2025-05-01T00:00:00Z", [finding({ id: "a" })]);
    // A writer that died after its findings and before its run record.
    await doc.send(
      new PutCommand({ TableName: TABLE, Item: items.findingItem("crashed", "2025-05-02T00:00:00.000Z", finding({ id: "a" }), 0) }),
    );

    expect((await store.listRuns()).map((r) => r.run.id)).toEqual(["r1"]);
    await expect(store.runFindings("crashed")).rejects.toThrow(RunNotFoundError);
    expect((await store.resourceHistory("sg-0a1b2c3d4e5f60001")).map((r) => r.runId)).toEqual(["r1"]);
    expect((await store.checkHistory("sg-world-ingress")).map((r) => r.runId)).toEqual(["r1"]);

    await append(store, "r2", "2025-05-03T00:00:00Z", [finding({ id: "a" })]);
    expect(await verifyChain(store, { now: new Date("2025-05-04T00:00:00Z") })).toMatchObject({ ok: true, verified: 2 });
  });

  it("persists a local:DIR store between openings", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qa-store-"));
    dirs.push(dir);
    const first = await openStore(`local:${dir}`);
    await append(first, "r1", "2025-05-01T00:00:00Z");
    await first.close();

    const second = await openStore(`local:${dir}`);
    open.push(second);
    expect((await second.listRuns()).map((r) => r.run.id)).toEqual(["r1"]);
    expect(await second.runFindings("r1")).toHaveLength(1);
  });
});

describe("hash chain", () => {
  const later = { now: new Date("2025-05-10T00:00:00Z") };

  async function threeRuns() {
    const s = await fresh();
    await append(s.store, "r1", "2025-05-01T00:00:00Z", [finding({ id: "a" })]);
    await append(s.store, "r2", "2025-05-02T00:00:00Z", [finding({ id: "a" }), finding({ id: "b" })]);
    await append(s.store, "r3", "2025-05-03T00:00:00Z", [finding({ id: "a", status: "PASS" })]);
    return s;
  }

  it("links each run to the previous run's hash and verifies intact", async () => {
    const { store } = await threeRuns();
    const runs = await store.listRuns();
    const [r3, r2, r1] = runs;
    expect(r1?.prevHash).toBe("0".repeat(64));
    expect(r2?.prevHash).toBe(r1?.hash);
    expect(r3?.prevHash).toBe(r2?.hash);
    expect(await verifyChain(store, later)).toEqual({
      ok: true,
      verified: 3,
      expired: 0,
      gone: 0,
      lastSeq: 3,
      lastHash: r3?.hash,
      stateIssues: [],
      stateIssueCount: 0,
    });
  });

  it("names the run whose finding was changed", async () => {
    const { store, doc } = await threeRuns();
    await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: findingsPk("r2"), sk: findingSk("b") },
        UpdateExpression: "SET finding.#s = :pass",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":pass": "PASS" },
      }),
    );
    expect(await verifyChain(store, later)).toMatchObject({
      ok: false,
      broken: { seq: 2, runId: "r2", reason: expect.stringMatching(/findings do not match its hash/) },
    });
  });

  it("names the run whose finding was deleted, and a run rewritten with a fresh hash", async () => {
    const { store, doc } = await threeRuns();
    await doc.send(new DeleteCommand({ TableName: TABLE, Key: { pk: findingsPk("r2"), sk: findingSk("a") } }));
    expect((await verifyChain(store, later)).broken).toMatchObject({ runId: "r2", reason: expect.stringMatching(/1 findings stored/) });

    const { store: other, doc: otherDoc } = await threeRuns();
    // Recomputing r1's own hash after editing it still breaks the link from r2.
    await otherDoc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: "CHAIN", sk: runSk(1) },
        UpdateExpression: "SET #h = :h",
        ExpressionAttributeNames: { "#h": "hash" },
        ExpressionAttributeValues: { ":h": "f".repeat(64) },
      }),
    );
    expect((await verifyChain(other, later)).broken).toMatchObject({ seq: 1, runId: "r1" });
  });

  it("notices runs removed from the middle and from the end", async () => {
    const { store, doc } = await threeRuns();
    await doc.send(new DeleteCommand({ TableName: TABLE, Key: { pk: "CHAIN", sk: runSk(3) } }));
    expect((await verifyChain(store, later)).broken).toMatchObject({
      seq: 3,
      reason: expect.stringMatching(/missing from the end and retention does not explain it/),
    });

    const { store: other, doc: otherDoc } = await threeRuns();
    await otherDoc.send(new DeleteCommand({ TableName: TABLE, Key: { pk: "CHAIN", sk: runSk(2) } }));
    expect((await verifyChain(other, later)).broken).toMatchObject({
      seq: 3,
      runId: "r3",
      reason: expect.stringMatching(/run #2 is missing before this run, and retention does not explain it/),
    });
  });

  /** A second store on the same table whose first BatchWrite lets `racer` run first. */
  async function racingWriter(endpoint: string, seal: ChainSeal, racer: () => Promise<unknown>) {
    const client = new DynamoDBClient({ endpoint, region: "local", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    const store = new DynamoStore(client, TABLE, { description: "writer A", seal });
    open.push(store);
    let raced = false;
    // The racer appends while this writer is between reading the chain head and claiming its position.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!raced && String(context.commandName).includes("BatchWrite")) {
          raced = true;
          await racer();
        }
        return next(args);
      },
      { step: "initialize" },
    );
    return store;
  }

  it("lets only one of two concurrent writers take a chain position", async () => {
    const { store: b, endpoint, seal } = await fresh();
    await append(b, "r1", "2025-05-01T00:00:00Z");
    const a = await racingWriter(endpoint, seal, () => append(b, "rB", "2025-05-02T00:00:00Z"));

    const once = { conflictAttempts: 1 };
    await expect(recordRun(a, result("rA", "2025-05-02T00:00:01Z", [finding({ id: "f-rA" })]), POLICY, new Date(), once)).rejects.toThrow(
      ChainConflictError,
    );
    expect((await b.listRuns()).map((r) => r.run.id)).toEqual(["rB", "r1"]);
    expect(await verifyChain(b, later)).toMatchObject({ ok: true, verified: 2 });
    await expect(b.runFindings("rA")).rejects.toThrow(RunNotFoundError);
  });

  it("records the slower of two concurrent runs after the faster one, classified against its states", async () => {
    const { store: b, endpoint, seal } = await fresh();
    await append(b, "r1", "2025-05-01T00:00:00Z", [finding({ id: "x" }), finding({ id: "y" })]);
    // Both later runs no longer see x; the faster one closes it by absence.
    const a = await racingWriter(endpoint, seal, () => append(b, "rB", "2025-05-02T00:00:00Z", [finding({ id: "y" })]));
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };

    const recorded = await recordRun(
      a,
      result("rA", "2025-05-02T00:00:01Z", [finding({ id: "y" })]),
      POLICY,
      new Date("2025-05-02T00:00:01Z"),
      {
        sleep,
      },
    );

    expect(waits).toHaveLength(1);
    expect(recorded.stored.seq).toBe(3);
    expect((await b.listRuns()).map((r) => r.run.id)).toEqual(["rA", "rB", "r1"]);
    // x was resolved by rB; rA, classified again after rB, does not resolve it a second time.
    expect(recorded.departed).toEqual([]);
    expect(recorded.notification?.items.map((i) => i.findingId)).not.toContain("x");
    expect((await b.runFindings("rA")).map((f) => f.id)).toEqual(["y"]);
    expect(await verifyChain(b, later)).toMatchObject({ ok: true, verified: 3 });
  });

  it("gives up after the configured number of conflicting attempts", async () => {
    const { store: b, endpoint, seal } = await fresh();
    await append(b, "r1", "2025-05-01T00:00:00Z");
    let n = 0;
    const client = new DynamoDBClient({ endpoint, region: "local", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    const a = new DynamoStore(client, TABLE, { description: "writer A", seal });
    open.push(a);
    // Another writer wins before every attempt.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (
          String(context.commandName).includes("BatchWrite") &&
          (args.input as { RequestItems: Record<string, { PutRequest?: unknown }[]> }).RequestItems[TABLE]?.[0]?.PutRequest
        ) {
          if (n < 3) await append(b, `rB${++n}`, `2025-05-0${n + 1}T00:00:00Z`);
        }
        return next(args);
      },
      { step: "initialize" },
    );
    const once = async () => {};
    await expect(
      recordRun(a, result("rA", "2025-05-09T00:00:00Z", [finding({ id: "f-rA" })]), POLICY, new Date(), {
        conflictAttempts: 3,
        sleep: once,
      }),
    ).rejects.toThrow(ChainConflictError);
    expect(n).toBe(3);
    expect(await verifyChain(b, { now: new Date("2025-05-10T00:00:00Z") })).toMatchObject({ ok: true, verified: 4 });
  });
});
