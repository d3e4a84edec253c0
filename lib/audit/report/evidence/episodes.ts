/**
 * Findings over a period as an auditor asks about them: each violation from when it
 * opened to when it was resolved, and how long that took. An episode opens at a FAIL (or
 * MUTED: the risk was accepted, the control still failed) and closes at the run that
 * recorded it `resolved`; a later FAIL of the same finding is a new episode (a regression).
 * A violation already open when the period starts opens at its first run in the period
 * (`openBeforePeriod`), so its time to resolve is a lower bound.
 */
import type { Finding, Severity } from "../../findings/model.js";

export interface PeriodRun {
  id: string;
  startedAt: string;
  findings: readonly Finding[];
}

export interface Episode {
  findingId: string;
  checkId: string;
  severity: Severity;
  resourceType: string;
  resourceId: string;
  subject?: string;
  message: string;
  openedAt: string;
  openedInRun: string;
  /** True when the finding was already open at the first run of the period. */
  openBeforePeriod: boolean;
  /** This episode reopened a finding resolved earlier (change `regressed`). */
  regression: boolean;
  /** Runs of the episode in which the finding was MUTED. */
  mutedRuns: number;
  resolvedAt?: string;
  resolvedInRun?: string;
  /** resolvedAt − openedAt, in seconds; absent while open. */
  timeToResolveSeconds?: number;
  /** The finding as last seen open (for its fix and evidence). */
  last: Finding;
}

const isOpen = (f: Finding) => f.status === "FAIL" || f.status === "MUTED";

/** Episodes in the order they opened. `runs` oldest first. */
export function findingEpisodes(runs: readonly PeriodRun[]): Episode[] {
  const open = new Map<string, Episode>();
  const done: Episode[] = [];
  runs.forEach((run, index) => {
    for (const f of run.findings) {
      const current = open.get(f.id);
      if (isOpen(f)) {
        if (current) {
          current.last = f;
          current.message = f.message;
          if (f.status === "MUTED") current.mutedRuns++;
          continue;
        }
        const episode: Episode = {
          findingId: f.id,
          checkId: f.checkId,
          severity: f.severity,
          resourceType: f.resource.type,
          resourceId: f.resource.id,
          ...(f.subject !== undefined ? { subject: f.subject } : {}),
          message: f.message,
          openedAt: run.startedAt,
          openedInRun: run.id,
          openBeforePeriod: index === 0 && f.change !== "new" && f.change !== "regressed",
          regression: f.change === "regressed",
          mutedRuns: f.status === "MUTED" ? 1 : 0,
          last: f,
        };
        open.set(f.id, episode);
      } else if (current && f.status === "PASS") {
        current.resolvedAt = run.startedAt;
        current.resolvedInRun = run.id;
        current.timeToResolveSeconds = Math.round((Date.parse(run.startedAt) - Date.parse(current.openedAt)) / 1000);
        open.delete(f.id);
        done.push(current);
      }
    }
  });
  return [...done, ...open.values()].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.findingId.localeCompare(b.findingId));
}

/** The median time to resolve of the resolved episodes, in seconds; undefined when none resolved. */
export function medianTimeToResolve(episodes: readonly Episode[]): number | undefined {
  const times = episodes.flatMap((e) => (e.timeToResolveSeconds !== undefined ? [e.timeToResolveSeconds] : [])).sort((a, b) => a - b);
  if (times.length === 0) return undefined;
  const mid = Math.floor(times.length / 2);
  return times.length % 2 === 1 ? times[mid] : Math.round(((times[mid - 1] as number) + (times[mid] as number)) / 2);
}
