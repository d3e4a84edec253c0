import type { Finding } from "../findings/model.js";
import { controlLabel, findingControls } from "./controls.js";

export const CSV_COLUMNS = [
  "id",
  "checkId",
  "status",
  "severity",
  "resourceType",
  "resourceId",
  "account",
  "region",
  "subject",
  "change",
  "message",
  "remediation",
  "fixKind",
  "fixText",
  "fixCommands",
  "controls",
] as const;

/**
 * RFC 4180 quoting, plus a leading apostrophe on cells a spreadsheet would run as a
 * formula: finding text quotes names an attacker may choose (rule descriptions, roles).
 */
export function csvCell(value: string | undefined): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function findingRow(f: Finding): string[] {
  return [
    f.id,
    f.checkId,
    f.status,
    f.severity,
    f.resource.type,
    f.resource.id,
    f.resource.account ?? "",
    f.resource.region ?? "",
    f.subject ?? "",
    f.change ?? "",
    f.message,
    f.remediation,
    f.fix?.kind ?? "",
    f.fix?.text ?? "",
    // One command per line inside the quoted cell: pasteable as they are.
    f.fix?.commands.join("\n") ?? "",
    // `FRAMEWORK control` labels, one per line, as the fix commands.
    findingControls(f).map(controlLabel).join("\n"),
  ];
}

export function renderCsv(findings: readonly Finding[], columns: readonly string[] = CSV_COLUMNS, row = findingRow): string {
  const lines = [columns.join(","), ...findings.map((f) => row(f).map(csvCell).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
