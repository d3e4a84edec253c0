import type { Config } from "../config/schema.js";
import type { AuditResult } from "../findings/model.js";
import { findingControls } from "./controls.js";
import { renderCsv } from "./csv.js";
import { type HtmlReportInput, renderHtmlReport } from "./html.js";
import { renderOcsf } from "./ocsf.js";
import { renderTable } from "./table.js";

export const AUDIT_FORMATS = ["table", "json", "csv", "ocsf", "html"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** What the richer formats add to a run: the policy, and the history when a store keeps one. */
export interface RenderContext {
  config?: Config;
  history?: HtmlReportInput["history"];
  chain?: HtmlReportInput["chain"];
  now?: Date;
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
