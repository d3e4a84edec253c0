/**
 * Change classification: a run's findings against the stored state of each finding id.
 * Pure and deterministic; the store loads the prior state and saves the next one.
 *
 * Decisions where the design is silent (see docs/store.md, "Change tracking"):
 * - A finding id seen for the first time is `new`, whatever its status; only a FAIL one
 *   can alert.
 * - PASS after an open FAIL is `resolved`. FAIL after a resolution is `regressed`; FAIL of
 *   an id that never failed before (or was muted) is `new`.
 * - ERROR never resolves anything: we did not see, so the episode stays as it was.
 * - MUTED closes an open episode without resolving it (the risk was accepted, not fixed):
 *   an earlier episode's resolution is forgotten, so no `resolved` alert follows and when
 *   the mute expires and it fails again, it is `new`. A resolution older than the episode
 *   it would close (states stored before this rule) counts as none.
 * - An open finding id absent from a full-scope run was not produced because its resource
 *   is gone or left the audit's scope: its state is closed as resolved by absence
 *   (`resolvedBy: "absent"`) — but only where its source was observed. Completeness is
 *   tracked per source (an account/region partition, a PostgreSQL, MySQL or Redis target;
 *   see sources.ts): an incomplete run closes absent findings of the sources it saw whole
 *   and leaves those of a source with an ERROR (or of a target it could not find) open,
 *   because not seeing something is not evidence it was fixed. A gap tied to no source
 *   closes nothing. Partial runs (a targeted re-audit) never close absent findings, nor
 *   does any run close the finding of a check it did not evaluate (`evaluated`, e.g. a
 *   check disabled in config): the resource may be as bad as ever.
 */
import type { Change, Finding, Outcome, ResourceRef, Severity, Status } from "../findings/model.js";
import { observedIn, runGaps } from "./sources.js";

export type ResolvedBy = "pass" | "fixed" | "absent";

/** The key of a resource as one check observed it. */
function observedKey(checkId: string, r: ResourceRef): string {
  return [checkId, r.type, r.id, r.account ?? "", r.region ?? ""].join("\u0000");
}

/** What has been told about a finding id. `incomplete` alerts are about the run, not a finding. */
export type NotifiedChange = "new" | "regressed" | "reminder" | "resolved";

/** The stored state of one finding id, as of the last run that recorded it. */
export interface FindingState {
  findingId: string;
  checkId: string;
  severity: Severity;
  resource: ResourceRef;
  subject?: string;
  message: string;
  /** The last status observed. */
  status: Status;
  /** A FAIL episode is open (violation not yet resolved). */
  open: boolean;
  firstSeen: string;
  lastSeen: string;
  lastRunId: string;
  /** Start of the current FAIL episode, or of the last one when closed. */
  openSince?: string;
  /** How the current (or last) episode started. */
  openedAs?: "new" | "regressed";
  resolvedAt?: string;
  /**
   * `pass`: its own PASS finding; `fixed`: the subject is gone while the check still observed
   * the resource (a revoked grant, a removed rule); `absent`: the resource itself left the
   * audit (deleted or untargeted).
   */
  resolvedBy?: ResolvedBy;
  lastNotifiedAt?: string;
  lastNotifiedChange?: NotifiedChange;
  /** The run whose delivered notification set `lastNotifiedAt` (its sealed receipt backs it). */
  lastNotifiedRunId?: string;
  /** `openSince` of the episode that the last new/regressed/reminder alert was about. */
  notifiedEpisode?: string;
}

export interface ClassifyInput {
  runId: string;
  /** When the run observed (its startedAt); stamps episodes. */
  at: string;
  outcome: Outcome;
  /** `partial` for targeted re-audits: absent findings are left alone. Default `full`. */
  scope?: "full" | "partial";
  /**
   * Check ids this run evaluated. When given, an absent open finding of any other check
   * stays open. Undefined: every check was evaluated.
   */
  evaluated?: ReadonlySet<string>;
}

export interface ChangeSet {
  /** The run's findings, each with `change` set. */
  findings: Finding[];
  /** Next state of every finding id this run touched (seen or closed by absence). */
  states: FindingState[];
  /** States closed because their finding id was absent from a run that observed their source. */
  departed: FindingState[];
}

export function classifyRun(findings: readonly Finding[], prior: ReadonlyMap<string, FindingState>, input: ClassifyInput): ChangeSet {
  const out: Finding[] = [];
  const states: FindingState[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    seen.add(finding.id);
    const { change, state } = next(finding, prior.get(finding.id), input);
    out.push({ ...finding, change });
    states.push(state);
  }
  const departed: FindingState[] = [];
  if ((input.scope ?? "full") === "full") {
    const gaps = input.outcome === "incomplete" ? runGaps(findings) : undefined;
    // Resources each check judged this run: a departed subject of one of them was fixed, not lost from view.
    const observed = new Set(findings.filter((f) => f.status !== "ERROR").map((f) => observedKey(f.checkId, f.resource)));
    for (const state of prior.values()) {
      if (seen.has(state.findingId) || !state.open) continue;
      if (input.evaluated && !input.evaluated.has(state.checkId)) continue;
      if (gaps && !observedIn(gaps, state.resource)) continue;
      const resolvedBy: ResolvedBy = observed.has(observedKey(state.checkId, state.resource)) ? "fixed" : "absent";
      const closed: FindingState = { ...state, open: false, resolvedAt: input.at, resolvedBy };
      departed.push(closed);
      states.push(closed);
    }
  }
  return { findings: out, states, departed };
}

function next(finding: Finding, p: FindingState | undefined, input: ClassifyInput): { change: Change; state: FindingState } {
  const base: FindingState = {
    ...(p ?? { firstSeen: input.at, open: false }),
    findingId: finding.id,
    checkId: finding.checkId,
    severity: finding.severity,
    resource: finding.resource,
    subject: finding.subject,
    message: finding.message,
    status: finding.status,
    lastSeen: input.at,
    lastRunId: input.runId,
  };
  if (base.subject === undefined) delete base.subject;
  switch (finding.status) {
    case "FAIL": {
      if (p?.open) return { change: "persisting", state: base };
      const change = p && resolvedEpisode(p) ? "regressed" : "new";
      return { change, state: { ...base, open: true, openSince: input.at, openedAs: change } };
    }
    case "PASS": {
      if (p?.open) return { change: "resolved", state: { ...base, open: false, resolvedAt: input.at, resolvedBy: "pass" } };
      return { change: p ? "persisting" : "new", state: base };
    }
    case "MUTED": {
      if (!p?.open) return { change: p ? "persisting" : "new", state: base };
      const closed: FindingState = { ...base, open: false };
      delete closed.resolvedAt;
      delete closed.resolvedBy;
      return { change: "persisting", state: closed };
    }
    case "ERROR":
      return { change: p ? "persisting" : "new", state: base };
  }
}

/** The last episode of a closed state ended in a resolution (not in a mute). */
export function resolvedEpisode(state: FindingState): boolean {
  if (state.resolvedAt === undefined) return false;
  return state.openSince === undefined || Date.parse(state.resolvedAt) >= Date.parse(state.openSince);
}

/** Findings open now, longest open first. */
export function openStates(states: Iterable<FindingState>): FindingState[] {
  return [...states].filter((s) => s.open).sort((a, b) => (a.openSince ?? "").localeCompare(b.openSince ?? ""));
}
