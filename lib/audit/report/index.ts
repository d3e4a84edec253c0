import type { FindingState } from "../compare/changes.js";
import type { Config } from "../config/schema.js";
import type { AuditResult } from "../findings/model.js";
import { renderAsff, type SecurityHubTarget } from "./asff.js";
import { findingControls } from "./controls.js";
import { renderCsv } from "./csv.js";
import { type HtmlReportInput, renderHtmlReport } from "./html.js";
import { renderOcsf } from "./ocsf.js";
import { renderTable } from "./table.js";

export const AUDIT_FORMATS = ["table", "json", "csv", "ocsf", "html", "asff"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** What the richer formats add to a run: the policy, and the history when a store keeps one. */
export interface RenderContext {
  config?: Config;
  history?: HtmlReportInput["history"];
  chain?: HtmlReportInput["chain"];
  now?: Date;
  /** For `asff`: the Security Hub account and region the findings are for (AwsAccountId, ProductArn). */
  securityHub?: SecurityHubTarget;
  /** For `asff`: the finding states after the recorded run (first and last observation). */
  states?: readonly FindingState[];
}

/** A format that cannot be rendered from what the caller has (asff without its Security Hub target). */
export class RenderContextError extends Error {
  override name = "RenderContextError";
}

/**
 * The result as JSON, each finding with `controls`: the framework controls it is evidence
 * for (from lib/audit/controls/mappings.ts), with the reason the mapping holds. Added at
 * render time: the stored finding stays what the check said.
 */
export function renderJson(result: AuditResult): string {
  const findings = result.findings.map((f) => ({ ...f, controls: findingControls(f) }));
  return `${JSON.stringify({ ...result, findings }, null, 2)}\n`;
}

export function renderResult(result: AuditResult, format: AuditFormat, context: RenderContext = {}): string {
  switch (format) {
    case "table":
      return renderTable(result);
    case "json":
      return renderJson(result);
    case "csv":
      return renderCsv(result.findings);
    case "ocsf":
      return renderOcsf(result);
    case "asff":
      if (!context.securityHub) throw new RenderContextError("asff needs the Security Hub account and region the findings are for");
      return renderAsff({ result, target: context.securityHub, ...(context.states ? { states: context.states } : {}) });
    case "html":
      return renderHtmlReport({
        result,
        generatedAt: (context.now ?? new Date()).toISOString(),
        ...(context.config ? { config: context.config } : {}),
        ...(context.history ? { history: context.history } : {}),
        ...(context.chain ? { chain: context.chain } : {}),
      });
  }
}
