import type { AuditResult } from "../findings/model.js";
import { renderCsv } from "./csv.js";
import { renderTable } from "./table.js";

export const AUDIT_FORMATS = ["table", "json", "csv"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export function renderJson(result: AuditResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

export function renderResult(result: AuditResult, format: AuditFormat): string {
  switch (format) {
    case "table":
      return renderTable(result);
    case "json":
      return renderJson(result);
    case "csv":
      return renderCsv(result.findings);
  }
}
