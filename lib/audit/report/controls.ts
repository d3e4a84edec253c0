/**
 * The findings seen from the auditor's side: which framework controls each finding is
 * evidence for, and per control whether it operated (PASS evidence, nothing open) or has
 * open failures. One module so the JSON, CSV, OCSF, HTML and the evidence pack agree.
 */
import { type ControlRef, controlsOf, type Framework, OPTIONAL_FRAMEWORKS, REQUIRED_FRAMEWORKS } from "../controls/mappings.js";
import type { Finding, Status } from "../findings/model.js";

export type { ControlRef, Framework } from "../controls/mappings.js";

const FRAMEWORK_ORDER: readonly Framework[] = [...REQUIRED_FRAMEWORKS, ...OPTIONAL_FRAMEWORKS];

/** The finding's controls as `{ framework, control, why }`, deduplicated, in table order. */
export function findingControls(f: Pick<Finding, "checkId">): ControlRef[] {
  const seen = new Set<string>();
  return controlsOf(f.checkId).filter((ref) => {
    const key = `${ref.framework}\u0000${ref.control}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const controlLabel = (ref: Pick<ControlRef, "framework" | "control">): string => `${ref.framework} ${ref.control}`;

/**
 * What a control's findings say, as an auditor reads it: `failing` while any finding is
 * FAIL (an open exception), else `not-observed` while any is ERROR (no proof either way),
 * else `operating` with PASS evidence (MUTED findings are accepted exceptions, counted
 * apart), else `accepted` when only muted findings remain.
 */
export type ControlState = "failing" | "not-observed" | "operating" | "accepted";

export interface ControlSummary {
  framework: Framework;
  control: string;
  state: ControlState;
  counts: Record<Status, number>;
  /** Check ids whose findings are evidence for this control, sorted. */
  checks: string[];
  /** Why each check maps here (one line per distinct reason). */
  reasons: string[];
  /** Distinct resources with a FAIL finding. */
  failingResources: number;
}

function stateOf(counts: Record<Status, number>): ControlState {
  if (counts.FAIL > 0) return "failing";
  if (counts.ERROR > 0) return "not-observed";
  if (counts.PASS > 0) return "operating";
  return "accepted";
}

const STATE_ORDER: Record<ControlState, number> = { failing: 0, "not-observed": 1, accepted: 2, operating: 3 };

/** One row per control any finding maps to: failing first, then by framework and control id. */
export function summarizeControls(findings: readonly Finding[]): ControlSummary[] {
  const byKey = new Map<
    string,
    { ref: ControlRef; counts: Record<Status, number>; checks: Set<string>; reasons: Set<string>; failing: Set<string> }
  >();
  for (const f of findings) {
    for (const ref of findingControls(f)) {
      const key = `${ref.framework}\u0000${ref.control}`;
      let entry = byKey.get(key);
      if (!entry) {
        entry = { ref, counts: { PASS: 0, FAIL: 0, ERROR: 0, MUTED: 0 }, checks: new Set(), reasons: new Set(), failing: new Set() };
        byKey.set(key, entry);
      }
      entry.counts[f.status] += 1;
      entry.checks.add(f.checkId);
      entry.reasons.add(ref.why);
      if (f.status === "FAIL") entry.failing.add(`${f.resource.type} ${f.resource.id}`);
    }
  }
  return [...byKey.values()]
    .map(({ ref, counts, checks, reasons, failing }) => ({
      framework: ref.framework,
      control: ref.control,
      state: stateOf(counts),
      counts,
      checks: [...checks].sort(),
      reasons: [...reasons],
      failingResources: failing.size,
    }))
    .sort(
      (a, b) =>
        STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
        FRAMEWORK_ORDER.indexOf(a.framework) - FRAMEWORK_ORDER.indexOf(b.framework) ||
        a.control.localeCompare(b.control, "en", { numeric: true }),
    );
}
