/**
 * From CheckResults to Findings: stable ids, severities (with overrides), mutes, the
 * metadata users act on, and one `audit-error` per thing that could not be observed.
 */
import type { CheckMeta } from "../checks/types.js";
import type { Config } from "../config/schema.js";
import { findingId } from "./ids.js";
import { type CheckResult, type Finding, type Fix, type ObservationError, STATUSES, severityRank } from "./model.js";
import { findMute } from "./mutes.js";

const MAX_LISTED = 5;

function causeKey(cause: ObservationError): string {
  return [cause.account ?? "", cause.region ?? "", cause.ref ?? cause.source].join("\u0000");
}

/**
 * One `audit-error` per distinct cause of the ERROR verdicts (scope resolution's own
 * audit-error results included), naming what was not observed and which checks it blocked.
 * These replace scope resolution's audit-error results; non-ERROR results are ignored.
 */
export function auditErrorsOf(results: readonly CheckResult[]): CheckResult[] {
  const byCause = new Map<
    string,
    { cause: ObservationError; messages: string[]; blocked: Set<string>; resource?: CheckResult["resource"] }
  >();
  for (const r of results) {
    if (r.status !== "ERROR") continue;
    const cause = r.cause ?? { source: r.resource.id, reason: r.message, account: r.resource.account, region: r.resource.region };
    const key = causeKey(cause);
    let entry = byCause.get(key);
    if (!entry) {
      entry = { cause, messages: [], blocked: new Set() };
      byCause.set(key, entry);
    }
    if (r.checkId === "audit-error") {
      if (!entry.messages.includes(r.message)) entry.messages.push(r.message);
      entry.resource ??= r.resource;
    } else {
      entry.blocked.add(`${r.checkId} on ${r.resource.id}`);
    }
  }
  const derived: CheckResult[] = [];
  for (const { cause, messages, blocked } of byCause.values()) {
    const blockedList = [...blocked].sort();
    const said = messages.length > 0 ? messages.slice(0, MAX_LISTED).join(" ") : `${cause.source} could not be observed: ${cause.reason}.`;
    const consequence =
      blockedList.length > 0
        ? ` Not evaluated: ${blockedList.slice(0, MAX_LISTED).join(", ")}${blockedList.length > MAX_LISTED ? ` and ${blockedList.length - MAX_LISTED} more` : ""}.`
        : "";
    // The stable name, so the same missing file is the same finding however the directory was spelled.
    const resource = { type: "QueueAuditor::Source" as const, id: cause.ref ?? cause.source };
    derived.push({
      checkId: "audit-error",
      status: "ERROR",
      resource: { ...resource, ...(cause.account ? { account: cause.account } : {}), ...(cause.region ? { region: cause.region } : {}) },
      subject: cause.code ?? "error",
      message: `${said}${consequence}`,
      evidence: { source: cause.source, reason: cause.reason, ...(cause.code ? { code: cause.code } : {}), blocked: blockedList },
      cause,
    });
  }
  return derived;
}

export type FindingMaker = (result: CheckResult) => Finding;

/**
 * Turns one verdict into its finding: id, severity (with overrides), the check's advice,
 * the fix, mutes. `fixOf` builds the fix of a FAIL or ERROR verdict that carries none (the
 * engine passes the fix builders, which sit above this stage); a verdict's own `fix` wins.
 * The engine makes each check's findings as soon as the check has run, so its verdicts do
 * not outlive it (an estate has tens of thousands).
 */
export function findingMaker(
  metaById: ReadonlyMap<string, CheckMeta>,
  config: Pick<Config, "checks" | "mutes">,
  now: Date,
  fixOf?: (result: CheckResult) => Fix | undefined,
): FindingMaker {
  // A check's verdicts come together: its metadata is looked up once per run of them.
  let meta: CheckMeta | undefined;
  let override: Finding["severity"] | undefined;
  const muted = config.mutes.length > 0;
  return (r) => {
    if (meta?.id !== r.checkId) {
      meta = metaById.get(r.checkId);
      if (!meta) throw new Error(`result of unregistered check ${r.checkId}`);
      override = config.checks.severity[meta.id];
    }
    const finding: Finding = {
      id: findingId(r.checkId, r.resource, r.subject),
      checkId: r.checkId,
      status: r.status,
      severity: override ?? r.severity ?? meta.severity,
      resource: r.resource,
      message: r.message,
      evidence: r.evidence,
      remediation: meta.remediation,
      // Shared, not copied: tens of thousands of findings carry the same few references.
      references: meta.references as string[],
    };
    if (r.subject !== undefined) finding.subject = r.subject;
    if (r.status !== "PASS") {
      const fix = r.fix || fixOf?.(r);
      if (fix !== undefined) finding.fix = fix;
    }
    if (muted && r.status === "FAIL") {
      const match = findMute(config.mutes, r, now);
      if (match?.active) {
        finding.status = "MUTED";
        finding.evidence = { ...r.evidence, mute: { reason: match.mute.reason, expires: match.mute.expires } };
        finding.message = `${r.message} Muted until ${match.mute.expires}: ${match.mute.reason}`;
      } else if (match) {
        finding.evidence = { ...r.evidence, muteExpired: { reason: match.mute.reason, expires: match.mute.expires } };
        finding.message = `${r.message} (A mute for this expired on ${match.mute.expires}.)`;
      }
    }
    return finding;
  };
}

/** One finding per id (the worst of equals), sorted for the report. */
export function orderFindings(findings: Finding[]): Finding[] {
  return sortFindings(dedupeById(findings));
}

const WORST_FIRST: Record<Finding["status"], number> = { FAIL: 0, ERROR: 1, MUTED: 2, PASS: 3 };

/** Two verdicts with one id (a check judging the same subject twice) keep the worst, in the first one's place. */
function dedupeById(findings: Finding[]): Finding[] {
  const at = new Map<string, number>();
  const kept: Finding[] = [];
  for (const f of findings) {
    const i = at.get(f.id);
    if (i === undefined) {
      at.set(f.id, kept.length);
      kept.push(f);
    } else if (WORST_FIRST[f.status] < WORST_FIRST[(kept[i] as Finding).status]) kept[i] = f;
  }
  return kept;
}

const STATUS_ORDER: Record<Finding["status"], number> = { FAIL: 0, ERROR: 1, MUTED: 2, PASS: 3 };

/** Code-point order: the same on every machine and locale, and far cheaper than localeCompare. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sortFindings(findings: Finding[]): Finding[] {
  // The status and severity ranks are read once per finding, not twice per comparison: a
  // run sorts tens of thousands of findings (about a million comparisons).
  const keyed = findings.map((f) => ({ f, status: STATUS_ORDER[f.status], severity: severityRank(f.severity) }));
  keyed.sort(
    (a, b) =>
      a.status - b.status ||
      a.severity - b.severity ||
      compare(a.f.checkId, b.f.checkId) ||
      compare(a.f.resource.id, b.f.resource.id) ||
      compare(a.f.subject ?? "", b.f.subject ?? ""),
  );
  for (let i = 0; i < keyed.length; i++) findings[i] = (keyed[i] as (typeof keyed)[number]).f;
  return findings;
}

export function countByStatus(findings: readonly Pick<Finding, "status">[]): Record<Finding["status"], number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Finding["status"], number>;
  for (const f of findings) counts[f.status]++;
  return counts;
}
