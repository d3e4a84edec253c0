/**
 * Reachability in one sentence per backend, for the reports: each backend's
 * `net-public-subnet` finding carries it in `evidence.reachability` (the JSON field);
 * a backend whose network path could not be observed says so instead.
 */
import type { Finding } from "../findings/model.js";

export interface ReachabilityLine {
  resource: string;
  where: string;
  sentence: string;
}

export function reachabilityLines(findings: readonly Finding[]): ReachabilityLine[] {
  const lines: ReachabilityLine[] = [];
  for (const f of findings) {
    if (f.checkId !== "net-public-subnet" || f.change === "resolved") continue;
    const said = f.evidence.reachability;
    const sentence = typeof said === "string" ? said : `reachability unknown — ${f.message}`;
    lines.push({ resource: f.resource.id, where: [f.resource.account, f.resource.region].filter(Boolean).join("/"), sentence });
  }
  return lines.sort((a, b) => a.where.localeCompare(b.where) || a.resource.localeCompare(b.resource));
}
