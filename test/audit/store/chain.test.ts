/**
 * verifyChain, verdict by verdict, on a chain the real recording path wrote (dynalite,
 * `recordRun`, `markNotified`; kept as a fixture, see chain-fixture.ts): each test edits its own copy the
 * way an attacker with write access to the table would, and pins what verify says — which
 * run, which position, which reason an auditor reads. evidence.test.ts performs the same
 * attacks through DynamoDB; this file covers every verdict and boundary in milliseconds,
 * which is what lets `npm run mutation -- chain` judge the verifier (docs/mutation.md).
 *
 * Where a case needs a record the attacker cannot make (a sealed run that links wrongly, a
 * sealed head that names a rewritten run), `reseal` signs it with the chain key: the writer
 * holding the key made a mistake, or the key leaked — verify must still name the fault.
 */
import { describe, expect, it } from "vitest";
import type { FindingState } from "../../../lib/audit/compare/changes.js";
import type { Finding } from "../../../lib/audit/findings/model.js";
import { GENESIS_HASH, plain, runHash } from "../../../lib/audit/store/canonical.js";
import { verifyChain } from "../../../lib/audit/store/chain.js";
import { headSealMessage, receiptSealMessage, runSealMessage } from "../../../lib/audit/store/seal.js";
import type { ChainHead, NotifiedReceipt, Store, StoredRun } from "../../../lib/audit/store/types.js";
import { CHAIN_SEAL, loadRecordedChain, RUN_TIMES } from "./chain-fixture.js";

const seal = CHAIN_SEAL;
/** A week after the last run: every run is live (retention 30 days). */
const LATER = { now: new Date("2025-05-10T00:00:00Z") };
const at = (seconds: number) => ({ now: new Date(seconds * 1000) });
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Everything verify reads, as plain data an attacker can edit. */
interface Chain {
  runs: StoredRun[];
  head: ChainHead | undefined;
  findings: Map<string, Finding[]>;
  states: Map<string, FindingState>;
  receipts: Map<string, NotifiedReceipt>;
}

const fixture = loadRecordedChain();
const recorded: Chain = {
  runs: fixture.runs,
  head: fixture.head,
  findings: new Map(fixture.findings),
  states: new Map(fixture.states),
  receipts: new Map(fixture.receipts),
};

/** A fresh, editable copy of the recorded chain. */
function chain(): Chain {
  return {
    runs: plain(recorded.runs),
    head: plain(recorded.head),
    findings: new Map(plain([...recorded.findings])),
    states: new Map(plain([...recorded.states])),
    receipts: new Map(plain([...recorded.receipts])),
  };
}

/** A store that serves `c` as the table would; only what verify reads is implemented. */
function storeOf(c: Chain, withSeal = true): Store {
  const unused = () => Promise.reject(new Error("verify does not call this"));
  return {
    description: "dynamodb:evidence",
    persistent: true,
    seal: withSeal ? seal : undefined,
    loadStates: async () => new Map(c.states),
    async *chainRuns() {
      for (const run of c.runs) yield run;
    },
    chainHead: async () => c.head,
    runFindings: async (runId) => c.findings.get(runId) ?? [],
    notifiedReceipt: async (runId) => c.receipts.get(runId),
    appendRun: unused,
    markNotified: unused,
    listRuns: unused,
    getRun: unused,
    resourceHistory: unused,
    checkHistory: unused,
    openFindings: unused,
    close: async () => undefined,
  };
}

/** A state copied from `from` without its delivery: what an attacker plants for a new finding id. */
const planted = ({
  lastNotifiedAt: _at,
  lastNotifiedChange: _change,
  lastNotifiedRunId: _run,
  notifiedEpisode: _ep,
  ...from
}: FindingState) => from;

const verify = (c: Chain, opts = LATER) => verifyChain(storeOf(c), opts);
const run = (c: Chain, seq: number) => c.runs.find((r) => r.seq === seq) as StoredRun;
const drop = (c: Chain, ...seqs: number[]) => {
  c.runs = c.runs.filter((r) => !seqs.includes(r.seq));
};

/** Rehash and reseal a run after editing it, as only a holder of the chain key can. */
async function reseal(r: StoredRun): Promise<void> {
  r.hash = runHash({
    seq: r.seq,
    prevHash: r.prevHash,
    run: r.run,
    findingsHash: r.findingsHash as string,
    findingCount: r.findingCount,
    scope: r.scope,
    recordedAt: r.recordedAt,
    retentionDays: r.retentionDays as number,
    expiresAt: r.expiresAt as number,
    ...(r.priorExpiresAt !== undefined ? { priorExpiresAt: r.priorExpiresAt } : {}),
  });
  r.mac = await seal.sign(runSealMessage({ seq: r.seq, runId: r.run.id, hash: r.hash }));
}

async function resealHead(c: Chain, head: ChainHead): Promise<void> {
  c.head = { ...head, mac: await seal.sign(headSealMessage(head)) };
}

describe("the recorded chain", () => {
  it("verifies intact: every run, its position and hash, and no state issue", async () => {
    const c = chain();
    expect(c.runs.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(c.receipts.has("r2")).toBe(true);
    expect(await verify(c)).toEqual({
      ok: true,
      verified: 3,
      expired: 0,
      gone: 0,
      lastSeq: 3,
      lastHash: run(c, 3).hash,
      stateIssues: [],
      stateIssueCount: 0,
    });
  });

  it("cannot be verified without the chain key, and says where to get it", async () => {
    expect(await verifyChain(storeOf(chain(), false), LATER)).toEqual({
      ok: false,
      verified: 0,
      expired: 0,
      gone: 0,
      stateIssues: [],
      stateIssueCount: 0,
      problem:
        "dynamodb:evidence has no chain key to check seals with: set QUEUE_AUDITOR_CHAIN_KEY to the KMS HMAC key (the stack output ChainKeyArn)",
    });
  });

  it("of an earlier format is named with its format, before anything else is judged", async () => {
    const c = chain();
    run(c, 2).v = 2;
    run(c, 2).hash = "f".repeat(64);
    const report = await verify(c);
    expect(report.problem).toMatch(/^run #2 is chain format 2; this version verifies format 3 only\. Start a new chain/);
    expect(report.broken).toBeUndefined();
    expect(report.verified).toBe(1);
    delete run(c, 1).v;
    expect((await verify(c)).problem).toMatch(/^run #1 is chain format 2 or earlier;/);
  });
});

describe("a run record", () => {
  it.each(["findingsHash", "retentionDays", "expiresAt"] as const)("without its %s is a break at that run", async (field) => {
    const c = chain();
    delete run(c, 2)[field];
    expect(await verify(c)).toMatchObject({
      ok: false,
      verified: 1,
      broken: { seq: 2, runId: "r2", startedAt: RUN_TIMES[1], reason: "the run record lacks its findingsHash, retentionDays or expiresAt" },
    });
  });

  it("with a field changed no longer matches its hash", async () => {
    const c = chain();
    run(c, 1).run.finishedAt = "2025-05-01T00:00:01.000Z";
    expect((await verify(c)).broken).toEqual({
      seq: 1,
      runId: "r1",
      startedAt: RUN_TIMES[0],
      reason: "the run record does not match its hash (a field of the run, its expiry included, was changed)",
    });
  });

  it("with an expiry that is not its recording time plus retention is a break, even when sealed", async () => {
    const c = chain();
    const r = run(c, 2);
    r.expiresAt = (r.expiresAt as number) - 1;
    await reseal(r);
    expect((await verify(c)).broken).toMatchObject({ seq: 2, reason: "its expiry is not its recording time plus its retention" });
  });

  it("rehashed without the key, or with its seal removed, is not sealed", async () => {
    const c = chain();
    const r = run(c, 3);
    r.scope = "partial";
    r.hash = runHash({
      ...r,
      findingsHash: r.findingsHash as string,
      retentionDays: r.retentionDays as number,
      expiresAt: r.expiresAt as number,
    });
    c.head = { ...(c.head as ChainHead), hash: r.hash };
    const reason = "its hash is not sealed by the test chain key: the run was written or rewritten by someone without the chain key";
    expect((await verify(c)).broken).toMatchObject({ seq: 3, runId: "r3", reason });

    const unsealed = chain();
    delete run(unsealed, 3).mac;
    expect((await verify(unsealed)).broken).toMatchObject({ seq: 3, reason });
  });

  it("sealed but linked to another hash than its predecessor's breaks the link", async () => {
    const c = chain();
    const r = run(c, 2);
    r.prevHash = "e".repeat(64);
    await reseal(r);
    expect((await verify(c)).broken).toMatchObject({ seq: 2, runId: "r2", reason: "prevHash does not match the hash of run #1 (r1)" });
  });

  it("sealed as run #1 but not starting from the genesis hash does not start the chain", async () => {
    const c = chain();
    const r = run(c, 1);
    r.prevHash = "e".repeat(64);
    await reseal(r);
    expect((await verify(c)).broken).toMatchObject({
      seq: 1,
      reason: "the first run does not start the chain (prevHash is not the genesis hash)",
    });
    expect(recorded.runs[0]?.prevHash).toBe(GENESIS_HASH);
  });
});

describe("a run's findings", () => {
  it("fewer than recorded, while the run is live, is a break that counts them", async () => {
    const c = chain();
    c.findings.set("r2", (c.findings.get("r2") ?? []).slice(1));
    expect((await verify(c)).broken).toMatchObject({ seq: 2, reason: "has 1 findings stored, the run recorded 2" });
  });

  it("edited, while the run is live, is a break", async () => {
    const c = chain();
    const [first] = c.findings.get("r2") ?? [];
    if (first) first.status = "PASS";
    expect((await verify(c)).broken).toMatchObject({
      seq: 2,
      reason: "its findings do not match its hash (a finding was changed, added or replaced)",
    });
  });

  it("partly swept after the run's expiry counts the run as expired, not verified", async () => {
    const c = chain();
    const r1 = run(c, 1);
    c.findings.set("r1", []);
    const afterR1 = at((r1.expiresAt as number) + 60);
    expect(await verify(c, afterR1)).toMatchObject({ ok: true, verified: 2, expired: 1, gone: 0 });
    // At the very second of expiry the run is past retention.
    expect(await verify(c, at(r1.expiresAt as number))).toMatchObject({ ok: true, expired: 1 });
    // One second before, it is a break.
    expect((await verify(c, at((r1.expiresAt as number) - 1))).broken?.seq).toBe(1);
  });

  it("intact after the run's expiry still verify, and the run's findings no longer need states", async () => {
    const c = chain();
    const r3 = run(c, 3);
    c.states.clear();
    // Every run expired but kept: nothing live, so missing states are no issue.
    expect(await verify(c, at((r3.expiresAt as number) + 1))).toMatchObject({ ok: true, verified: 3, expired: 0, stateIssueCount: 0 });
  });
});

describe("missing runs", () => {
  it("in the middle, before retention explains it, break at the run after the gap, naming the sealed retention", async () => {
    const c = chain();
    drop(c, 2);
    const r3 = run(c, 3);
    expect(await verify(c)).toMatchObject({
      ok: false,
      verified: 1,
      broken: {
        seq: 3,
        runId: "r3",
        reason: `run #2 is missing before this run, and retention does not explain it: this run records that earlier runs are kept until ${iso(r3.priorExpiresAt as number)}`,
      },
    });
  });

  it("several in a row are named as a range", async () => {
    const c = chain();
    drop(c, 1, 2);
    expect((await verify(c)).broken?.reason).toMatch(/^runs #1 to #2 are missing before this run, and retention does not explain it/);
  });

  it("without a sealed retention to explain them are a break that says no more", async () => {
    const c = chain();
    drop(c, 2);
    const r3 = run(c, 3);
    delete r3.priorExpiresAt;
    await reseal(r3);
    expect((await verify(c)).broken?.reason).toBe("run #2 is missing before this run, and retention does not explain it");
  });

  it("once their sealed retention has passed are gone, and the rest verifies", async () => {
    const c = chain();
    drop(c, 1, 2);
    const prior = run(c, 3).priorExpiresAt as number;
    expect(await verify(c, at(prior - 1))).toMatchObject({ broken: expect.anything() });
    // From the second the sealed retention ends, they are gone.
    expect(await verify(c, at(prior))).toMatchObject({ ok: true, verified: 1, gone: 2, expired: 0, lastSeq: 3, stateIssueCount: 0 });
  });
});

describe("the chain head", () => {
  it("missing while runs exist is a break at the last run", async () => {
    const c = chain();
    c.head = undefined;
    expect(await verify(c)).toMatchObject({
      ok: false,
      verified: 3,
      broken: {
        seq: 3,
        runId: "",
        startedAt: "",
        reason: "the chain head is missing: runs are recorded up to #3, but the sealed head that names the last run is gone",
      },
    });
  });

  it("without runs or states: nothing recorded, nothing to verify", async () => {
    const c = chain();
    c.runs = [];
    c.head = undefined;
    c.states.clear();
    expect(await verify(c)).toMatchObject({ ok: false, verified: 0, problem: "no runs recorded in dynamodb:evidence: nothing to verify" });
  });

  it("and every run deleted but the states left behind are named as deleted records", async () => {
    const c = chain();
    c.runs = [];
    c.head = undefined;
    expect((await verify(c)).problem).toBe("no run records and no chain head, but 2 finding state(s) remain: the run records were deleted");
  });

  it("edited or unsealed is a break that names the head's run", async () => {
    const c = chain();
    c.head = { ...(c.head as ChainHead), hash: "f".repeat(64) };
    const reason = "the chain head (run #3) is not sealed by the test chain key: it was written by someone without the chain key";
    expect((await verify(c)).broken).toEqual({ seq: 3, runId: "r3", startedAt: "", reason });
    const unsealed = chain();
    delete (unsealed.head as ChainHead).mac;
    expect((await verify(unsealed)).broken?.reason).toBe(reason);
  });

  it("sealed but naming a hash other than its run's says that run was rewritten", async () => {
    const c = chain();
    const { mac: _mac, ...head } = c.head as ChainHead;
    await resealHead(c, { ...head, hash: "f".repeat(64) });
    expect((await verify(c)).broken).toMatchObject({
      seq: 3,
      reason: "the chain head's hash is not the hash of run #3: that run was rewritten",
    });
  });

  it("sealed and naming an earlier run that matches is fine (a replayed head hides nothing the runs show)", async () => {
    const c = chain();
    const r2 = run(c, 2);
    const { mac: _mac, ...head } = c.head as ChainHead;
    await resealHead(c, { ...head, seq: 2, runId: "r2", hash: r2.hash });
    expect(await verify(c)).toMatchObject({ ok: true, verified: 3 });
  });

  it("naming runs after the last one found, before retention explains it, is a break", async () => {
    const c = chain();
    drop(c, 3);
    const headExpiry = (c.head as ChainHead).expiresAt as number;
    expect((await verify(c)).broken).toEqual({
      seq: 3,
      runId: "r3",
      startedAt: "",
      reason: `the chain head names run #3, but run #3 is missing from the end and retention does not explain it (the head records runs kept until ${iso(headExpiry)})`,
    });
    drop(c, 2);
    expect((await verify(c)).broken?.reason).toMatch(/^the chain head names run #3, but runs #2 to #3 are missing from the end/);
  });

  it("naming missing runs without a sealed expiry is a break that says no more", async () => {
    const c = chain();
    drop(c, 3);
    const { mac: _mac, expiresAt: _e, ...head } = c.head as ChainHead;
    await resealHead(c, head);
    expect((await verify(c)).broken?.reason).toBe(
      "the chain head names run #3, but run #3 is missing from the end and retention does not explain it",
    );
  });

  it("naming runs gone with retention counts them gone", async () => {
    const c = chain();
    drop(c, 3);
    const headExpiry = (c.head as ChainHead).expiresAt as number;
    expect(await verify(c, at(headExpiry - 1))).toMatchObject({ broken: expect.anything() });
    // The states expired with r3; r1 and r2 are past retention with their findings kept, so they still verify.
    c.states.clear();
    expect(await verify(c, at(headExpiry))).toEqual({
      ok: true,
      verified: 2,
      expired: 0,
      gone: 1,
      lastSeq: 2,
      lastHash: run(c, 2).hash,
      stateIssues: [],
      stateIssueCount: 0,
    });
  });
});

describe("nothing verified", () => {
  it("says how many runs expired and how many are gone", async () => {
    const c = chain();
    drop(c, 1);
    c.findings.set("r2", []);
    c.findings.set("r3", []);
    const end = at(((c.head as ChainHead).expiresAt as number) + 1);
    expect(await verify(c, end)).toMatchObject({
      ok: false,
      verified: 0,
      expired: 2,
      gone: 1,
      problem:
        "nothing verified: the chain head names run #3, but no run's findings could be checked (2 past retention with findings swept, 1 gone with retention)",
    });
    drop(c, 2, 3);
    expect((await verify(c, end)).problem).toBe(
      "nothing verified: the chain head names run #3, but no run's findings could be checked (3 gone with retention)",
    );
    const swept = chain();
    for (const id of ["r1", "r2", "r3"]) swept.findings.set(id, []);
    expect((await verify(swept, end)).problem).toBe(
      "nothing verified: the chain head names run #3, but no run's findings could be checked (3 past retention with findings swept)",
    );
  });
});

describe("finding states", () => {
  const issues = async (c: Chain, opts = LATER) => {
    const report = await verify(c, opts);
    expect(report.broken).toBeUndefined();
    return report;
  };

  it("a FAIL marked PASS and closed disagrees with the last run that recorded it", async () => {
    const c = chain();
    const a = c.states.get("a") as FindingState;
    c.states.set("a", { ...a, status: "PASS", open: false });
    expect(await issues(c)).toMatchObject({
      ok: false,
      stateIssueCount: 1,
      stateIssues: [
        { findingId: "a", reason: "disagrees with run #3 (r3): status PASS (run: FAIL), closed while the run found it failing" },
      ],
    });
  });

  it("a state planted for a finding no run recorded is reported", async () => {
    const c = chain();
    const a = planted(c.states.get("a") as FindingState);
    c.states.set("z", { ...a, findingId: "z", lastRunId: "r3" });
    expect((await issues(c)).stateIssues).toEqual([
      { findingId: "z", reason: "the state names run r3, but no verified run records this finding" },
    ]);
  });

  it("a deleted state of a live run's finding is reported; of an expired run's, it is not", async () => {
    const c = chain();
    c.states.delete("b");
    expect((await issues(c)).stateIssues).toEqual([
      { findingId: "b", reason: "run #3 (r3) records this finding, but its state is missing" },
    ]);
    // r3 past retention but kept intact: its findings are not live, their states may be swept.
    const r3 = run(c, 3);
    expect((await issues(c, at((r3.expiresAt as number) + 1))).stateIssues).toEqual([]);
  });

  it("a state whose finding only a gone run recorded is tolerated only when it predates the oldest run left", async () => {
    const c = chain();
    drop(c, 1);
    const a = planted(c.states.get("a") as FindingState);
    const gone = at((run(c, 2).priorExpiresAt as number) + 1);
    // Planted with a lastSeen older than every run left: it may be the state of an expired run.
    c.states.set("old", { ...a, findingId: "old", lastSeen: "2025-04-30T00:00:00.000Z", lastRunId: "r0" });
    expect((await issues(c, gone)).stateIssues).toEqual([]);
    // Seen at the time of the oldest run left, which does not record it: planted.
    c.states.set("old", { ...a, findingId: "old", lastSeen: RUN_TIMES[1] as string, lastRunId: "r2" });
    expect((await issues(c, gone)).stateIssues.map((i) => i.findingId)).toEqual(["old"]);
    // With nothing gone, an old lastSeen excuses nothing either.
    const whole = chain();
    // r1 kept, nothing gone: r1 is the oldest run and "old" predates it, yet nothing excuses it.
    whole.states.set("old", { ...a, findingId: "old", lastSeen: "2025-04-30T00:00:00.000Z", lastRunId: "r0" });
    expect((await issues(whole)).stateIssues.map((i) => i.findingId)).toEqual(["old"]);
  });

  it("a delivery the sealed receipt does not back is reported", async () => {
    const c = chain();
    const b = c.states.get("b") as FindingState;
    expect(b.lastNotifiedRunId).toBe("r2");
    const receipt = c.receipts.get("r2") as NotifiedReceipt;
    // The receipt rewritten without the key: its marks no longer count.
    c.receipts.set("r2", { ...receipt, marks: receipt.marks.map((m) => ({ ...m, lastNotifiedAt: "2025-05-02T09:00:00.000Z" })) });
    const unbacked = (id: string) => ({
      findingId: id,
      reason: `claims a notification at ${b.lastNotifiedAt} for run r2, which has no sealed receipt`,
    });
    expect((await issues(c)).stateIssues).toEqual([unbacked("a"), unbacked("b")]);
    // Its seal removed: the same.
    c.receipts.set("r2", { runId: "r2", marks: receipt.marks });
    expect((await issues(c)).stateIssues).toEqual([unbacked("a"), unbacked("b")]);
    // Deleted: the same.
    c.receipts.delete("r2");
    expect((await issues(c)).stateIssues).toEqual([unbacked("a"), unbacked("b")]);
  });

  it("a genuine receipt is read once and backs every state it lists", async () => {
    const c = chain();
    const a = c.states.get("a") as FindingState;
    const receipt = c.receipts.get("r2") as NotifiedReceipt;
    expect(receipt.marks.map((m) => m.findingId).sort()).toEqual(["a", "b"]);
    expect(a.lastNotifiedRunId).toBe("r2");
    let reads = 0;
    const store = storeOf(c);
    const read = store.notifiedReceipt;
    store.notifiedReceipt = (runId) => {
      reads++;
      return read(runId);
    };
    expect(await verifyChain(store, LATER)).toMatchObject({ ok: true, stateIssueCount: 0 });
    expect(reads).toBe(1);
    expect(await seal.verify(receiptSealMessage(receipt), receipt.mac as string)).toBe(true);
  });

  it("a notification claimed without naming its run is reported", async () => {
    const c = chain();
    const a = c.states.get("a") as FindingState;
    c.states.set("a", { ...a, lastNotifiedRunId: undefined });
    expect((await issues(c)).stateIssues).toEqual([
      { findingId: "a", reason: `claims a notification at ${a.lastNotifiedAt} that no sealed receipt records` },
    ]);
  });

  it("lists at most 20 issues and counts them all", async () => {
    const c = chain();
    const a = planted(c.states.get("a") as FindingState);
    for (let i = 0; i < 25; i++) c.states.set(`p${i}`, { ...a, findingId: `p${i}` });
    const report = await issues(c);
    expect(report.stateIssueCount).toBe(25);
    expect(report.stateIssues).toHaveLength(20);
    expect(report.stateIssues[0]?.findingId).toBe("p0");
  });
});
