/**
 * The engine: evaluate every enabled check over inventory and observations, then turn
 * the verdicts into findings. Pure given its inputs and a clock value.
 */
import { randomBytes } from "node:crypto";
import { CHECKS } from "./checks/registry.js";
import type { AuditContext, Check, CheckMeta, Observations } from "./checks/types.js";
import type { Config } from "./config/schema.js";
import { auditErrorsOf, countByStatus, findingMaker, orderFindings } from "./findings/finalize.js";
import { type AuditResult, type CheckResult, type Finding, outcomeOf, type Severity } from "./findings/model.js";
import { fixFor, withFixes } from "./fix/index.js";
import type { Inventory } from "./inventory/types.js";
import { resolveScope } from "./scope/index.js";

export interface EvaluateInput {
  config: Config;
  inventory: Inventory;
  observations?: Partial<Observations>;
  now: Date;
  checks?: readonly Check[];
}

const METAS = new Map<string, CheckMeta>(CHECKS.map((c) => [c.meta.id, c.meta]));

export function enabledChecks(config: Config, checks: readonly Check[] = CHECKS): Check[] {
  const disabled = new Set<string>(config.checks.disabled);
  // audit-error cannot be disabled: a gap in the evidence must always show.
  return checks.filter((c) => c.meta.id === "audit-error" || !disabled.has(c.meta.id));
}

/** The ids of the checks a run with this config evaluates (for change tracking: others' findings stay as they were). */
export function evaluatedCheckIds(config: Config): ReadonlySet<string> {
  return new Set(enabledChecks(config).map((c) => c.meta.id));
}

export function auditContext(input: EvaluateInput): AuditContext {
  return {
    config: input.config,
    inventory: input.inventory,
    scope: resolveScope(input.config, input.inventory),
    observations: {
      postgres: input.observations?.postgres ?? [],
      redis: input.observations?.redis ?? [],
      mysql: input.observations?.mysql ?? [],
    },
    now: input.now,
  };
}

/** Every check's verdicts with their fixes, before ids, mutes and severities. */
export function evaluateChecks(input: EvaluateInput, ctx: AuditContext = auditContext(input)): CheckResult[] {
  return withFixes(verdicts(input, ctx), ctx);
}

/** Every check's verdicts, without fixes. */
function verdicts(input: EvaluateInput, ctx: AuditContext): CheckResult[] {
  const results: CheckResult[] = [];
  forEachVerdict(input, ctx, (r) => results.push(r));
  return results;
}

/**
 * Hands every enabled check's verdicts to `visit`, check by check in registry order (a
 * loop, not flatMap: an estate's checks return tens of thousands of verdicts). An audit
 * that judged nothing proves nothing: it gets the "nothing audited" ERROR, never silence.
 */
function forEachVerdict(input: EvaluateInput, ctx: AuditContext, visit: (result: CheckResult) => void): void {
  let judged = 0;
  for (const check of enabledChecks(input.config, input.checks)) {
    for (const r of check.evaluate(ctx)) {
      judged++;
      visit(r);
    }
  }
  if (judged === 0) visit(nothingAudited());
}

function nothingAudited(): CheckResult {
  const cause = {
    source: "targets",
    reason: "the config's targets matched no resource, and it names no PostgreSQL or MySQL database or Redis endpoint",
    code: "NothingInScope",
  };
  return {
    checkId: "audit-error",
    status: "ERROR",
    resource: { type: "QueueAuditor::Source", id: "targets" },
    subject: cause.code,
    message: "Nothing was audited: no resource matched the targets (check the ids, the tag and the accounts and regions).",
    evidence: {},
    cause,
  };
}

export function evaluate(input: EvaluateInput): Finding[] {
  const metas = input.checks ? new Map(input.checks.map((c) => [c.meta.id, c.meta])) : METAS;
  const ctx = auditContext(input);
  // Fixes are built as each finding is, derived audit-errors included: no verdict is copied
  // just to carry its fix (an estate has tens of thousands of FAILs).
  const make = findingMaker(metas, input.config, input.now, (r) => fixFor(r, ctx));
  const findings: Finding[] = [];
  // ERROR verdicts wait for the audit-errors made from their causes; the others become
  // findings as soon as their check has run, so no check's verdicts outlive it.
  const errors: CheckResult[] = [];
  forEachVerdict(input, ctx, (r) => {
    if (r.status === "ERROR") errors.push(r);
    // Scope resolution's own audit-errors (and "nothing audited") are replaced by the ones made from every cause below.
    if (r.checkId !== "audit-error") findings.push(make(r));
  });
  for (const r of auditErrorsOf(errors)) findings.push(make(r));
  return orderFindings(findings);
}

/** Sortable, unique run ids: the start time, then randomness. */
export function newRunId(startedAt: Date): string {
  return `${startedAt.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "")}-${randomBytes(4).toString("hex")}`;
}

export function auditResult(findings: Finding[], startedAt: Date, finishedAt: Date, runId = newRunId(startedAt)): AuditResult {
  const violationsBySeverity: Partial<Record<Severity, number>> = {};
  for (const f of findings) if (f.status === "FAIL") violationsBySeverity[f.severity] = (violationsBySeverity[f.severity] ?? 0) + 1;
  return {
    schemaVersion: 1,
    run: {
      id: runId,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      outcome: outcomeOf(findings),
      counts: countByStatus(findings),
      violationsBySeverity,
    },
    findings,
  };
}
