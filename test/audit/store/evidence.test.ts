import "aws-sdk-client-mock-vitest/extend";
/**
 * The evidence attacks of docs/store.md, each performed as someone with write access to the
 * table (a compromised role, an insider) but not to the chain key would: on the embedded
 * local store (key file under the directory) and on dynalite sealed by a KMS HMAC key
 * (aws-sdk-client-mock answering GenerateMac/VerifyMac as KMS does).
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GenerateMacCommand, KMSClient, VerifyMacCommand } from "@aws-sdk/client-kms";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { markNotified, recordRun } from "../../../lib/audit/record.js";
import { findingsHash, runHash } from "../../../lib/audit/store/canonical.js";
import { verifyChain } from "../../../lib/audit/store/chain.js";
import { type DynamoStore, documentClient } from "../../../lib/audit/store/dynamo-store.js";
import { findingSk, findingsPk, runSk, statePk, stateShard } from "../../../lib/audit/store/keys.js";
import { LOCAL_TABLE, openStore } from "../../../lib/audit/store/open.js";
import { KmsSeal } from "../../../lib/audit/store/seal-kms.js";
import type { Store, StoredRun } from "../../../lib/audit/store/types.js";
import { fakeHmacKey } from "../../support/fake-kms.js";
import { finding, memoryStore, POLICY, result, TABLE } from "./helpers.js";

const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
const kms = mockClient(KMSClient);
const fakeKms = () => fakeHmacKey(kms, KEY_ARN);

interface Backend {
  store: Store;
  /** The attacker's handle: a document client on the same table, with write access. */
  attacker: ReturnType<typeof documentClient>;
  table: string;
  dir?: string;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  kms.reset();
});
beforeEach(() => fakeKms());

const backends: [string, () => Promise<Backend>][] = [
  [
    "local store (key file)",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "qa-evidence-"));
      const store = await openStore(`local:${dir}`);
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      cleanup.push(() => store.close());
      return { store, attacker: documentClient((store as DynamoStore).client), table: LOCAL_TABLE, dir };
    },
  ],
  [
    "dynalite sealed by KMS",
    async () => {
      const s = await memoryStore(new KmsSeal(new KMSClient({ region: "eu-west-1" }), KEY_ARN));
      cleanup.push(() => s.store.close());
      return { store: s.store, attacker: s.doc, table: TABLE };
    },
  ],
];

const LATER = { now: new Date("2025-05-10T00:00:00Z") };
const RUN_TIMES = ["2025-05-01T00:00:00Z", "2025-05-02T00:00:00Z", "2025-05-03T00:00:00Z"];

async function threeRuns(store: Store) {
  // The third run still has an open critical: the one an attacker wants silenced.
  const findingsPerRun = [
    [finding({ id: "a" })],
    [finding({ id: "a" }), finding({ id: "b" })],
    [finding({ id: "a" }), finding({ id: "b", status: "PASS" })],
  ];
  for (const [i, findings] of findingsPerRun.entries()) {
    await recordRun(store, result(`r${i + 1}`, RUN_TIMES[i] ?? "", findings), POLICY, new Date(RUN_TIMES[i] ?? ""));
  }
}

describe.each(backends)("evidence attacks on the %s", (_name, make) => {
  let b: Backend;
  beforeEach(async () => {
    b = await make();
    await threeRuns(b.store);
  });

  const runItem = async (seq: number) =>
    (await b.attacker.send(new GetCommand({ TableName: b.table, Key: { pk: "CHAIN", sk: runSk(seq) } }))).Item as StoredRun &
      Record<string, unknown>;
  const put = (Item: Record<string, unknown>) => b.attacker.send(new PutCommand({ TableName: b.table, Item }));
  const del = (pk: string, sk: string) => b.attacker.send(new DeleteCommand({ TableName: b.table, Key: { pk, sk } }));
  const allItems = async (pk: string) =>
    (
      await b.attacker.send(
        new QueryCommand({ TableName: b.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk } }),
      )
    ).Items ?? [];

  it("verifies the untouched chain, with its states and delivery receipts", async () => {
    const recorded = await recordRun(
      b.store,
      result("r4", "2025-05-04T00:00:00Z", [finding({ id: "a" }), finding({ id: "c" })]),
      POLICY,
      new Date("2025-05-04T00:00:00Z"),
    );
    if (recorded.notification) await markNotified(b.store, recorded.notification, new Date("2025-05-04T00:00:05Z"));
    expect(recorded.notification?.items.map((i) => i.findingId)).toContain("c");
    expect(await verifyChain(b.store, LATER)).toMatchObject({ ok: true, verified: 4, stateIssueCount: 0 });
  });

  it("backdated expiry: a backdated TTL on every run and the head is a break, not expiry", async () => {
    for (const seq of [1, 2, 3]) {
      await b.attacker.send(
        new UpdateCommand({
          TableName: b.table,
          Key: { pk: "CHAIN", sk: runSk(seq) },
          UpdateExpression: "SET expiresAt = :e",
          ExpressionAttributeValues: { ":e": 1 },
        }),
      );
    }
    await b.attacker.send(
      new UpdateCommand({
        TableName: b.table,
        Key: { pk: "CHAIN", sk: "HEAD" },
        UpdateExpression: "SET headExpiresAt = :e",
        ExpressionAttributeValues: { ":e": 1 },
      }),
    );
    expect(await verifyChain(b.store, LATER)).toMatchObject({
      ok: false,
      broken: { seq: 1, runId: "r1", reason: expect.stringMatching(/does not match its hash \(a field of the run, its expiry included/) },
    });
  });

  it("backdated expiry: runs the TTL sweeper removed early are missing runs retention does not explain", async () => {
    // What DynamoDB does once the TTL was backdated: the records are gone.
    for (const seq of [1, 2, 3]) await del("CHAIN", runSk(seq));
    const report = await verifyChain(b.store, LATER);
    expect(report).toMatchObject({
      ok: false,
      verified: 0,
      broken: { seq: 3, reason: expect.stringMatching(/runs #1 to #3 are missing from the end and retention does not explain it/) },
    });

    // The next run does not chain onto the gap as if nothing happened: it takes position #4.
    const next = await recordRun(
      b.store,
      result("r4", "2025-05-04T00:00:00Z", [finding({ id: "a" })]),
      POLICY,
      new Date("2025-05-04T00:00:00Z"),
    );
    expect(next.stored.seq).toBe(4);
    expect((await verifyChain(b.store, LATER)).broken).toMatchObject({
      seq: 4,
      reason: expect.stringMatching(/runs #1 to #3 are missing before this run, and retention does not explain it/),
    });

    // A forged head that claims the chain expired long ago is not sealed.
    await put({ pk: "CHAIN", sk: "HEAD", type: "head", v: 3, seq: 3, runId: "r3", hash: "0".repeat(64), headExpiresAt: 1, mac: "AAAA" });
    expect((await verifyChain(b.store, LATER)).broken?.reason).toMatch(/runs #1 to #3 are missing before this run/);
  });

  it("accepts runs that really expired, judged by their sealed recording time and retention", async () => {
    const r3 = await b.store.getRun("r3");
    const afterAll = { now: new Date(((r3?.expiresAt ?? 0) + 60) * 1000) };
    const r1 = await b.store.getRun("r1");
    const afterR1 = { now: new Date(((r1?.expiresAt ?? 0) + 60) * 1000) };
    // As the TTL sweeper leaves it: one of r1's findings gone, then its record too.
    await del(findingsPk("r1"), findingSk("a"));
    expect(await verifyChain(b.store, afterR1)).toMatchObject({ ok: true, verified: 2, expired: 1, gone: 0 });
    await del("CHAIN", runSk(1));
    expect(await verifyChain(b.store, afterR1)).toMatchObject({ ok: true, verified: 2, expired: 0, gone: 1 });
    // But the same deletion before r1's time is up is a break.
    expect((await verifyChain(b.store, LATER)).broken?.reason).toMatch(
      /run #1 is missing before this run, and retention does not explain it/,
    );
    // Everything gone with retention: nothing is left to verify, and verify says so.
    for (const seq of [2, 3]) await del("CHAIN", runSk(seq));
    expect(await verifyChain(b.store, afterAll)).toMatchObject({
      ok: false,
      verified: 0,
      gone: 3,
      problem: expect.stringMatching(/nothing verified: the chain head names run #3/),
    });
  });

  it("head not compared: the latest run rewritten with recomputed hashes is not sealed", async () => {
    const r3 = await runItem(3);
    // The attacker knows the algorithm: flips the open critical to PASS and recomputes everything.
    const forged = { ...finding({ id: "a", status: "PASS" }), change: "resolved" as const };
    await put({
      ...(await b.attacker.send(new GetCommand({ TableName: b.table, Key: { pk: findingsPk("r3"), sk: findingSk("a") } }))).Item,
      finding: forged,
      status: "PASS",
    });
    const findings = (await allItems(findingsPk("r3"))).filter((i) => String(i.sk).startsWith("F#")).map((i) => i.finding);
    const content = { ...r3, findingsHash: findingsHash(findings) };
    const hash = runHash(content as Parameters<typeof runHash>[0]);
    await put({ ...r3, findingsHash: content.findingsHash, hash });
    await b.attacker.send(
      new UpdateCommand({
        TableName: b.table,
        Key: { pk: "CHAIN", sk: "HEAD" },
        UpdateExpression: "SET #h = :h",
        ExpressionAttributeNames: { "#h": "hash" },
        ExpressionAttributeValues: { ":h": hash },
      }),
    );
    expect((await verifyChain(b.store, LATER)).broken).toMatchObject({
      seq: 3,
      runId: "r3",
      reason: expect.stringMatching(/not sealed by .*: the run was written or rewritten by someone without the chain key/),
    });
  });

  it("head not compared: a head that disagrees with the last run, or is unsealed, is a break", async () => {
    const head = (await b.attacker.send(new GetCommand({ TableName: b.table, Key: { pk: "CHAIN", sk: "HEAD" } }))).Item ?? {};
    await put({ ...head, hash: "f".repeat(64) });
    expect((await verifyChain(b.store, LATER)).broken?.reason).toMatch(/chain head \(run #3\) is not sealed/);
    // A genuine, sealed head of run #2 replayed: harmless (the runs verify), still compared.
    await del("CHAIN", "HEAD");
    expect((await verifyChain(b.store, LATER)).broken?.reason).toMatch(/chain head is missing/);
  });

  it("state outside the chain: an open critical marked notified, a FAIL marked PASS, a planted state", async () => {
    const key = { pk: statePk(stateShard("a")), sk: findingSk("a") };
    const state = (await b.attacker.send(new GetCommand({ TableName: b.table, Key: key }))).Item ?? {};
    await put({ ...state, lastNotifiedAt: "2025-05-03T00:00:01.000Z", lastNotifiedChange: "reminder", notifiedEpisode: state.openSince });
    const planted = { ...state, pk: statePk(stateShard("z")), sk: findingSk("z"), findingId: "z", open: true, gsi1sk: `x#z` };
    await put(planted);
    const bKey = { pk: statePk(stateShard("b")), sk: findingSk("b") };
    const bState = (await b.attacker.send(new GetCommand({ TableName: b.table, Key: bKey }))).Item ?? {};
    await put({ ...bState, status: "FAIL", open: true });

    const report = await verifyChain(b.store, LATER);
    expect(report.ok).toBe(false);
    expect(report.broken).toBeUndefined();
    const reasons = Object.fromEntries(report.stateIssues.map((i) => [i.findingId, i.reason]));
    expect(reasons.a).toMatch(/claims a notification at 2025-05-03T00:00:01.000Z that no sealed receipt records/);
    expect(reasons.z).toMatch(/no verified run records this finding/);
    expect(reasons.b).toMatch(/disagrees with run #3 \(r3\): status FAIL \(run: PASS\).*open while the run found it PASS/);

    // A genuine delivery mark forged onto another receipt is caught by the receipt's seal.
    await put({
      pk: findingsPk("r3"),
      sk: "NOTIFIED",
      type: "receipt",
      runId: "r3",
      marks: [
        { findingId: "a", lastNotifiedAt: "2025-05-03T00:00:01.000Z", lastNotifiedChange: "reminder", notifiedEpisode: state.openSince },
      ],
      mac: "AAAA",
    });
    await put({
      ...state,
      lastNotifiedAt: "2025-05-03T00:00:01.000Z",
      lastNotifiedChange: "reminder",
      notifiedEpisode: state.openSince,
      lastNotifiedRunId: "r3",
    });
    const again = await verifyChain(b.store, LATER);
    expect(again.stateIssues.find((i) => i.findingId === "a")?.reason).toMatch(/run r3, which has no sealed receipt/);
  });

  it("state outside the chain: a deleted state of a live run is reported", async () => {
    await del(statePk(stateShard("b")), findingSk("b"));
    expect((await verifyChain(b.store, LATER)).stateIssues).toEqual([
      { findingId: "b", reason: "run #3 (r3) records this finding, but its state is missing" },
    ]);
  });

  it("nothing verified: all run records and the head deleted, states left behind", async () => {
    for (const seq of [1, 2, 3]) await del("CHAIN", runSk(seq));
    await del("CHAIN", "HEAD");
    expect(await verifyChain(b.store, LATER)).toMatchObject({
      ok: false,
      verified: 0,
      problem: expect.stringMatching(/no run records and no chain head, but 2 finding state\(s\) remain: the run records were deleted/),
    });
  });

  it("migration: a chain of an earlier format is named, with how to start a new one", async () => {
    const r1 = await runItem(1);
    const { v: _v, mac: _mac, ...old } = r1;
    await put(old);
    const report = await verifyChain(b.store, LATER);
    expect(report.problem).toMatch(
      /run #1 is chain format 2 or earlier; this version verifies format 3 only\. Start a new chain by recording into a new local directory/,
    );
  });
});

describe("the local chain key", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), "qa-key-"));
    dirs.push(d);
    return d;
  };

  it("is created on the first run with mode 0600 and refused when others can read it", async () => {
    const dir = tempDir();
    const store = await openStore(`local:${dir}`);
    try {
      await recordRun(store, result("r1", RUN_TIMES[0] ?? "", [finding({ id: "a" })]), POLICY, new Date());
    } finally {
      await store.close();
    }
    expect(statSync(join(dir, "chain.key")).mode & 0o777).toBe(0o600);
    chmodSync(join(dir, "chain.key"), 0o644);
    const again = await openStore(`local:${dir}`);
    try {
      await expect(verifyChain(again)).rejects.toThrow(
        /chain key .*chain\.key has mode 0644: anyone who can read it can forge the chain; run chmod 600/,
      );
    } finally {
      await again.close();
    }
  });

  it("is never replaced by a fresh key on verify: a missing key is an error", async () => {
    const dir = tempDir();
    const store = await openStore(`local:${dir}`);
    await recordRun(store, result("r1", RUN_TIMES[0] ?? "", [finding({ id: "a" })]), POLICY, new Date());
    await store.close();
    rmSync(join(dir, "chain.key"));
    const again = await openStore(`local:${dir}`);
    try {
      await expect(verifyChain(again)).rejects.toThrow(/the chain key .* is missing/);
      expect(() => statSync(join(dir, "chain.key"))).toThrow();
    } finally {
      await again.close();
    }
  });

  it("a different key does not verify runs sealed by this one", async () => {
    const dir = tempDir();
    const store = await openStore(`local:${dir}`);
    await recordRun(store, result("r1", RUN_TIMES[0] ?? "", [finding({ id: "a" })]), POLICY, new Date());
    await store.close();
    writeFileSync(join(dir, "chain.key"), randomBytes(32), { mode: 0o600 });
    const again = await openStore(`local:${dir}`);
    try {
      expect((await verifyChain(again)).broken?.reason).toMatch(/not sealed by the key file/);
    } finally {
      await again.close();
    }
  });
});

describe("the KMS chain seal", () => {
  it("asks KMS for HMAC_SHA_256 MACs with the configured key and reads KMSInvalidMacException as invalid", async () => {
    const seal = new KmsSeal(new KMSClient({ region: "eu-west-1" }), KEY_ARN);
    const mac = await seal.sign("message");
    expect(kms).toHaveReceivedCommandWith(GenerateMacCommand, {
      KeyId: KEY_ARN,
      MacAlgorithm: "HMAC_SHA_256",
      Message: Buffer.from("message"),
    });
    expect(await seal.verify("message", mac)).toBe(true);
    expect(await seal.verify("another message", mac)).toBe(false);
    expect(kms).toHaveReceivedCommandWith(VerifyMacCommand, { KeyId: KEY_ARN, MacAlgorithm: "HMAC_SHA_256" });
  });

  it("passes other KMS errors on: access denied is not an invalid seal", async () => {
    kms
      .on(VerifyMacCommand)
      .rejects(Object.assign(new Error("not authorized to perform kms:VerifyMac"), { name: "AccessDeniedException" }));
    const seal = new KmsSeal(new KMSClient({ region: "eu-west-1" }), KEY_ARN);
    await expect(seal.verify("m", "AAAA")).rejects.toThrow(/kms:VerifyMac/);
  });
});
