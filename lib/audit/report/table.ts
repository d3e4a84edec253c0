import { type AuditResult, type Finding, SEVERITIES } from "../findings/model.js";
import { escapeControls } from "../model/escape.js";
import { reachabilityLines } from "./reachability.js";

function line(f: Finding, showNew: boolean): string {
  const where = [f.resource.account, f.resource.region].filter(Boolean).join("/");
  const subject = f.subject ? `  [${f.subject}]` : "";
  const change = f.change && f.change !== "persisting" && (showNew || f.change !== "new") ? `  (${f.change})` : "";
  // One line per finding, so it greps, sorts and diffs like any terminal report.
  const head = `  ${f.status.padEnd(5)} ${f.checkId.padEnd(30)} ${f.resource.id}${where ? ` (${where})` : ""}${subject}${change}  ${f.message}`;
  return f.fix && (f.status === "FAIL" || f.status === "ERROR") ? `${head}\n${fixLines(f)}` : head;
}

/** The finding's own fix under it, indented so `grep '^  FAIL'` still gives one line per finding. */
function fixLines(f: Finding): string {
  const fix = f.fix as NonNullable<Finding["fix"]>;
  const label = f.status === "ERROR" ? "to observe" : fix.kind === "manual" ? "fix (manual)" : "fix";
  return [`        ${label}: ${fix.text}`, ...fix.commands.map((c) => `          ${c}`)].join("\n");
}

/** A terminal report: violations by severity, then what could not be checked, then mutes, then a summary line. */
export function renderTable(result: AuditResult): string {
  const out: string[] = [];
  const { run, findings } = result;
  // On a first run (or without a store) everything is new, and saying so on every line is noise.
  const showNew = findings.some((f) => f.change !== undefined && f.change !== "new");
  const show = (f: Finding) => line(f, showNew);
  out.push(`queue-auditor run ${run.id} (${run.startedAt})`);
  const failing = findings.filter((f) => f.status === "FAIL");
  for (const severity of SEVERITIES) {
    const group = failing.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push("", `${severity.toUpperCase()} (${group.length})`, ...group.map(show));
  }
  const errors = findings.filter((f) => f.status === "ERROR");
  if (errors.length > 0) out.push("", `NOT OBSERVED (${errors.length})`, ...errors.map(show));
  const muted = findings.filter((f) => f.status === "MUTED");
  if (muted.length > 0) out.push("", `MUTED (${muted.length})`, ...muted.map(show));
  const resolved = findings.filter((f) => f.change === "resolved");
  if (resolved.length > 0) out.push("", `RESOLVED SINCE THE LAST RUN (${resolved.length})`, ...resolved.map(show));
  if (failing.length === 0 && errors.length === 0) out.push("", "No violations.");
  const reachability = reachabilityLines(findings);
  if (reachability.length > 0)
    out.push("", "REACHABILITY", ...reachability.map((r) => `  ${r.resource}${r.where ? ` (${r.where})` : ""}: ${r.sentence}`));
  const c = run.counts;
  const checks = new Set(findings.map((f) => f.checkId)).size;
  out.push(
    "",
    `${findings.length} findings from ${checks} checks: ${c.FAIL} FAIL, ${c.ERROR} ERROR, ${c.MUTED} MUTED, ${c.PASS} PASS. Outcome: ${run.outcome}.`,
  );
  // Each entry is one line; anything that would break or rewrite it came from a name someone chose.
  return `${out.map(escapeControls).join("\n")}\n`;
}
