/**
 * The digest: one run's alert as plain data, the single input of every notifier (SNS
 * email text, SNS JSON, Slack). It travels through SNS as JSON to the Slack Lambda, so
 * it carries everything the formatters need and nothing secret.
 */
import type { AlertItem, AlertKind, Notification } from "../compare/alerts.js";
import { type Outcome, SEVERITIES, type Severity, type Status, severityRank } from "../findings/model.js";
import { escapeControls } from "../model/escape.js";

export interface Digest {
  version: 1;
  subject: string;
  run: { id: string; startedAt: string; finishedAt: string; outcome: Outcome; counts: Record<Status, number> };
  accounts: string[];
  /** Highest severity among the items; `none` for an incomplete run with nothing else to tell. */
  highestSeverity: Severity | "none";
  /** Counts of every item, including those left out. */
  totals: Record<AlertKind, number>;
  /** Ordered by severity, then kind. */
  items: AlertItem[];
  /** Items left out to keep the message within size limits. */
  omitted: number;
  /**
   * The `--store` argument that reaches this run's history (the deployed stack's
   * `dynamodb:TABLE`), so "run history --open" names a command that works as printed.
   */
  store?: string;
}

/** The command that lists what is open now, in the store the run was recorded in. */
export function historyOpenCommand(store: string | undefined): string {
  return store ? `queue-auditor history --store ${store} --open` : "queue-auditor history --open";
}

export const ALERT_KINDS: readonly AlertKind[] = ["error", "new", "regressed", "reminder", "resolved"];

export function digestFromNotification(n: Notification, options: { store?: string } = {}): Digest {
  const totals = Object.fromEntries(ALERT_KINDS.map((k) => [k, 0])) as Record<AlertKind, number>;
  for (const item of n.items) totals[item.kind]++;
  const accounts = [...new Set(n.items.map((i) => i.resource.account).filter((a): a is string => !!a))].sort();
  const told = n.items.filter((i) => i.kind !== "resolved");
  const highest = (told.length ? told : n.items).reduce<Severity | undefined>(
    (best, i) => (best === undefined || severityRank(i.severity) < severityRank(best) ? i.severity : best),
    undefined,
  );
  const digest: Digest = {
    version: 1,
    subject: "",
    run: { ...n.run },
    accounts,
    highestSeverity: highest ?? "none",
    totals,
    items: n.items,
    omitted: 0,
    ...(options.store ? { store: options.store } : {}),
  };
  digest.subject = subjectLine(digest);
  return digest;
}

/** Keeps the first `count` items (most severe first), recording how many were left out. */
export function truncateDigest(digest: Digest, count: number): Digest {
  const all = digest.items.length + digest.omitted;
  const items = digest.items.slice(0, count);
  return { ...digest, items, omitted: all - items.length };
}

/** The largest prefix of items for which `fits` holds (at least zero items). */
export function boundDigest(digest: Digest, fits: (d: Digest) => boolean): Digest {
  if (fits(digest)) return digest;
  let lo = 0;
  let hi = digest.items.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(truncateDigest(digest, mid))) lo = mid;
    else hi = mid - 1;
  }
  return truncateDigest(digest, lo);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "2 new critical violations in 111122223333": ASCII, one line, at most 100 characters (SNS). */
export function subjectLine(d: Pick<Digest, "items" | "totals" | "accounts" | "run">): string {
  const parts: string[] = [];
  const fresh = d.items.filter((i) => i.kind === "new");
  if (d.totals.new > 0) {
    const sevs = new Set(fresh.map((i) => i.severity));
    const sev = sevs.size === 1 ? `${[...sevs][0]} ` : "";
    parts.push(`${d.totals.new} new ${sev}${d.totals.new === 1 ? "violation" : "violations"}`);
  }
  if (d.totals.regressed > 0) parts.push(`${plural(d.totals.regressed, "regressed violation")}`);
  if (d.totals.reminder > 0) parts.push(`${d.totals.reminder} still open`);
  if (d.totals.resolved > 0) parts.push(`${d.totals.resolved} resolved`);
  if (d.run.outcome === "incomplete")
    parts.push(d.totals.error > 0 ? `audit incomplete (${plural(d.totals.error, "error")})` : "audit incomplete");
  if (parts.length === 0) parts.push("audit result");
  const where = d.accounts.length === 1 ? ` in ${d.accounts[0]}` : d.accounts.length > 1 ? ` in ${d.accounts.length} accounts` : "";
  return asciiLine(`queue-auditor: ${parts.join(", ")}${where}`, 100);
}

export function asciiLine(text: string, max: number): string {
  const clean = text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/[^\x20-\x7e]/g, "?")
    .replace(/ {2,}/g, " ")
    .trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 3)}...`;
}

/** How a resolution happened, in words: fixed (observed, fault gone) is not the same news as gone from scope. */
export function resolutionText(item: AlertItem): string {
  return item.resolvedBy === "absent"
    ? "Gone: no longer in the audit's scope (deleted or untargeted), so not known to be fixed"
    : "Fixed: the resource was observed and the fault is gone";
}

/** The exact line that says what a bounded message left out, and where to see it. */
export function moreLine(omitted: number, runId: string, store?: string): string {
  return `and ${omitted} more, see \`${historyOpenCommand(store)}\` (run ${runId})`;
}

/** The finding's own fix as text lines (commands indented), for email and the terminal. */
export function fixTextLines(item: AlertItem, indent: string): string[] {
  if (!item.fix) return item.remediation ? [`${indent}What to do: ${item.remediation}`] : [];
  const label = item.kind === "error" ? "To observe it" : item.fix.kind === "manual" ? "What to do (manual)" : "What to do";
  return [`${indent}${label}: ${item.fix.text}`, ...item.fix.commands.map((c) => `${indent}  ${c}`)];
}

const KIND_LABEL: Record<AlertKind, string> = {
  error: "NOT OBSERVED",
  new: "NEW",
  regressed: "REGRESSED",
  reminder: "STILL OPEN",
  resolved: "RESOLVED",
};
export const kindLabel = (kind: AlertKind) => KIND_LABEL[kind];

export function resourceLine(item: AlertItem): string {
  const where = [item.resource.account, item.resource.region].filter(Boolean).join("/");
  return `${item.resource.type} ${item.resource.id}${where ? ` (${where})` : ""}`;
}

/** The plain-text body for email and the terminal: readable without any markup. */
export function digestText(d: Digest): string {
  const lines: string[] = [d.subject, ""];
  const c = d.run.counts;
  lines.push(`Run ${d.run.id}, started ${d.run.startedAt}, outcome: ${d.run.outcome}`);
  lines.push(`Findings: ${c.FAIL} FAIL, ${c.ERROR} ERROR, ${c.PASS} PASS, ${c.MUTED} MUTED`);
  const told = ALERT_KINDS.filter((k) => d.totals[k] > 0).map((k) => `${d.totals[k]} ${KIND_LABEL[k].toLowerCase()}`);
  if (told.length) lines.push(`In this alert: ${told.join(", ")}`);
  for (const sev of SEVERITIES) {
    const items = d.items.filter((i) => i.severity === sev);
    if (items.length === 0) continue;
    lines.push("", sev.toUpperCase(), "-".repeat(sev.length));
    for (const i of items) {
      lines.push(`* [${KIND_LABEL[i.kind]}] ${i.checkId}: ${resourceLine(i)}`);
      if (i.subject) lines.push(`  Subject: ${i.subject}`);
      lines.push(`  ${i.message}`);
      if (i.kind === "resolved") {
        lines.push(`  ${resolutionText(i)}, at ${i.resolvedAt}; open since ${i.openSince}`);
      } else {
        if (i.openSince) lines.push(`  Open since ${i.openSince}`);
        lines.push(...fixTextLines(i, "  "));
      }
    }
  }
  if (d.omitted > 0) lines.push("", moreLine(d.omitted, d.run.id, d.store));
  // Each entry is one line; a newline or escape sequence in a name must not forge or erase one.
  return `${lines.map(escapeControls).join("\n")}\n`;
}
