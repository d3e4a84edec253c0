/**
 * The reviewed remediation plan of `queue-auditor fix` (CONTRACTS extension): one file per
 * PostgreSQL target, one per Redis target and `aws.sh`, each statement preceded by the
 * findings it resolves, in an order that can run top to bottom. Pure: findings in, file
 * contents out; nothing is executed.
 *
 * What is not written as a command: manual fixes (reboots, replacements, client changes
 * first), muted findings, statements that would touch the policy's own owner or admins —
 * each listed as a comment with the reason — and ERROR findings, listed as what must become
 * observable before the plan can be complete.
 */
import type { Config, PostgresTarget } from "../config/schema.js";
import type { Finding } from "../findings/model.js";
import { commentSafe, pgIdent } from "./quote.js";

export interface PlanFile {
  /** File name inside the plan directory. */
  name: string;
  content: string;
}

export interface Plan {
  files: PlanFile[];
  /** Commands written to run, per file. */
  commands: number;
  /** Findings whose fix is listed as a comment only. */
  manual: number;
  /** ERROR findings: what was not observed. */
  unobserved: number;
}

export interface PlanOptions {
  generatedAt: Date;
  runId?: string;
}

type Area = { kind: "postgres"; target: PostgresTarget } | { kind: "redis"; name: string } | { kind: "aws" };

function areaOf(config: Config, f: Finding): Area {
  if (f.resource.type.startsWith("PostgreSQL::")) {
    const target = config.postgres
      .filter((t) => f.resource.id === t.name || f.resource.id.startsWith(`${t.name}:`))
      .sort((a, b) => b.name.length - a.name.length)[0];
    if (target) return { kind: "postgres", target };
  }
  if (f.resource.type === "Redis::Endpoint" || f.resource.type === "Redis::User") {
    const target = config.redis.find((t) => f.resource.id === t.name || f.resource.id.startsWith(`${t.name}:`));
    if (target) return { kind: "redis", name: target.name };
  }
  return { kind: "aws" };
}

/** A target name as a file name: anything but letters, digits, dot, dash and underscore becomes `_`. */
export function fileNameOf(target: string, extension: string): string {
  const safe = target.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return `${safe || "_"}.${extension}`;
}

function label(f: Finding): string {
  return commentSafe(`${f.id} ${f.checkId} ${f.resource.id}${f.subject ? ` ${f.subject}` : ""}`);
}

/** SQL statements in the order that keeps access for the policy while cutting the rest. */
export function sqlPhase(statement: string): number {
  if (/^ALTER TABLE /.test(statement)) return 0; // ownership first: the grants that follow are the new owner's
  if (/^GRANT /.test(statement)) return 1; // keep what the policy allows before any path is cut
  if (/^REVOKE (ADMIN OPTION FOR )?"/.test(statement)) return 3; // memberships
  if (/^REVOKE /.test(statement)) return 2; // object privileges
  if (/^ALTER ROLE /.test(statement)) return 4;
  if (/^ALTER DEFAULT PRIVILEGES /.test(statement)) return 5;
  return 6;
}

/** Never written for the policy's owner or admins: the plan must not lock them out. */
function touchesProtected(statement: string, target: PostgresTarget): string | undefined {
  for (const name of [target.owner, ...target.admins]) {
    const q = pgIdent(name);
    if (statement.startsWith(`ALTER ROLE ${q} `) || statement.endsWith(` FROM ${q};`)) {
      return `it would take privileges from ${commentSafe(name)}, the policy's ${name === target.owner ? "owner" : "admin"}`;
    }
  }
  return undefined;
}

/** `--apply-immediately` only for critical findings; others wait for the maintenance window. */
function withoutImmediate(command: string, f: Finding): string {
  return f.severity === "critical" ? command : command.replace(/ --apply-immediately(?= |$)/g, "");
}

interface Step {
  command: string;
  findings: Finding[];
  order: number;
  sequence: number;
}

class Section {
  readonly steps = new Map<string, Step>();
  readonly notes: string[] = [];
  private sequence = 0;

  add(command: string, f: Finding, order: number): void {
    const step = this.steps.get(command);
    if (step) {
      if (!step.findings.includes(f)) step.findings.push(f);
      return;
    }
    this.steps.set(command, { command, findings: [f], order, sequence: this.sequence++ });
  }

  ordered(): Step[] {
    return [...this.steps.values()].sort((a, b) => a.order - b.order || a.sequence - b.sequence);
  }
}

function renderSteps(section: Section, comment: string): string[] {
  const lines: string[] = [];
  for (const step of section.ordered()) {
    for (const f of step.findings) lines.push(`${comment} resolves ${label(f)}`);
    lines.push(step.command);
  }
  return lines;
}

function noteLines(comment: string, heading: string, entries: string[]): string[] {
  if (entries.length === 0) return [];
  return ["", `${comment} ${heading}`, ...entries.map((e) => `${comment}   ${e}`)];
}

function manualEntry(f: Finding, why?: string): string[] {
  const fix = f.fix;
  const lines = [`${label(f)}: ${commentSafe(why ?? fix?.text ?? f.remediation)}`];
  for (const c of fix?.commands ?? []) lines.push(`    ${commentSafe(withoutImmediate(c, f))}`);
  return lines;
}

export function buildPlan(findings: readonly Finding[], config: Config, options: PlanOptions): Plan {
  const stamp = `generated ${options.generatedAt.toISOString()}${options.runId ? ` from audit run ${options.runId}` : ""}`;
  const areas = new Map<string, { area: Area; section: Section; manual: string[]; unobserved: string[] }>();
  const entry = (area: Area) => {
    const key = area.kind === "postgres" ? `pg:${area.target.name}` : area.kind === "redis" ? `redis:${area.name}` : "aws";
    let e = areas.get(key);
    if (!e) {
      e = { area, section: new Section(), manual: [], unobserved: [] };
      areas.set(key, e);
    }
    return e;
  };
  let manual = 0;
  let unobserved = 0;
  for (const f of findings) {
    if (f.status === "PASS") continue;
    const e = entry(areaOf(config, f));
    if (f.status === "ERROR") {
      unobserved++;
      e.unobserved.push(...manualEntry(f));
      continue;
    }
    if (f.status === "MUTED") {
      e.manual.push(
        `${label(f)}: muted (${commentSafe(String((f.evidence.mute as { reason?: string } | undefined)?.reason ?? "accepted"))}); not fixed`,
      );
      continue;
    }
    const fix = f.fix;
    const runnable = fix && fix.commands.length > 0 && fix.kind !== "manual";
    if (!runnable) {
      manual++;
      e.manual.push(...manualEntry(f));
      continue;
    }
    if (e.area.kind === "postgres") {
      const target = e.area.target;
      const refused = fix.commands.map((c) => touchesProtected(c, target)).find((x) => x !== undefined);
      if (refused) {
        manual++;
        e.manual.push(...manualEntry(f, `not written: ${refused}. ${fix.text}`));
        continue;
      }
      for (const c of fix.commands) e.section.add(c, f, sqlPhase(c));
    } else {
      // One fix's commands stay together, in its own order (an authorize before its revoke).
      for (const c of fix.commands) e.section.add(withoutImmediate(c, f), f, 0);
    }
  }

  const files: PlanFile[] = [];
  let commands = 0;
  for (const { area, section, manual: manualLines, unobserved: gaps } of areas.values()) {
    commands += section.steps.size;
    if (area.kind === "postgres") {
      const t = area.target;
      const body = renderSteps(section, "--");
      files.push({
        name: fileNameOf(t.name, "sql"),
        content: [
          `-- queue-auditor fix plan for PostgreSQL target ${commentSafe(t.name)} (database ${commentSafe(t.connection.database)}), ${stamp}.`,
          "-- Nothing here has been executed. Review it, then run it as the database owner or an admin that granted the",
          `-- privileges (on RDS, the master user): psql -v ON_ERROR_STOP=1 -f ${fileNameOf(t.name, "sql")}`,
          "-- One transaction: it applies entirely or not at all. Audit again afterwards.",
          ...(body.length > 0 ? ["BEGIN;", ...body, "COMMIT;"] : ["-- No statement to run."]),
          ...noteLines("--", "Not written as statements (do these by hand, or not at all, after reading why):", manualLines),
          ...noteLines("--", "Not observed, so not planned (make these observable and run fix again):", gaps),
          "",
        ].join("\n"),
      });
    } else if (area.kind === "redis") {
      const body = renderSteps(section, "#");
      files.push({
        name: fileNameOf(area.name, "redis"),
        content: [
          `# queue-auditor fix plan for Redis target ${commentSafe(area.name)}, ${stamp}.`,
          "# Nothing here has been executed. Review it, then send the commands as an admin user, without the comment lines:",
          `#   grep -v '^#' ${fileNameOf(area.name, "redis")} | REDISCLI_AUTH=… redis-cli --tls -h HOST -p PORT --user ADMIN`,
          ...(body.length > 0 ? body : ["# No command to run."]),
          ...noteLines("#", "Not written as commands:", manualLines),
          ...noteLines("#", "Not observed, so not planned:", gaps),
          "",
        ].join("\n"),
      });
    } else {
      const body = renderSteps(section, "#");
      files.push({
        name: "aws.sh",
        content: [
          "#!/usr/bin/env bash",
          `# queue-auditor fix plan for AWS resources, ${stamp}.`,
          "# Nothing here has been executed. Review it, then run it with credentials allowed to make these changes.",
          "# --apply-immediately appears only for critical findings; other changes wait for the maintenance window.",
          "set -euo pipefail",
          ...(body.length > 0 ? body : ["# No command to run."]),
          ...noteLines("#", "Not written as commands (reboots, replacements, client changes first, shared resources):", manualLines),
          ...noteLines("#", "Not observed, so not planned:", gaps),
          "",
        ].join("\n"),
      });
    }
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { files, commands, manual, unobserved };
}
