/** Severities, shared by the config (overrides, thresholds), the checks and every output. */

/** Ordered from most to least severe; the order is used for thresholds (`--fail-on`). */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is as severe as `threshold` or more. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}
