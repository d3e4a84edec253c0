import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECK_IDS, CHECKS } from "../../../lib/audit/checks/registry.js";
import { RESOURCE_TYPES, SEVERITIES } from "../../../lib/audit/findings/model.js";

/**
 * The manifest: the registry (CHECKS) is the one source of check ids and default
 * severities; the README's catalog is their written, public contract. Both are read once
 * and compared as sets of ids and of (id, severity) pairs, so a check missing on either
 * side, a changed severity or a row written twice fails here, naming it.
 */
interface CatalogRow {
  id: string;
  severity: string;
  line: number;
}

/** Every row of the table under "## Check catalog", strictly: a row that does not parse is reported, never skipped. */
function readmeCatalog(): { rows: CatalogRow[]; unreadable: string[] } {
  const lines = readFileSync(new URL("../../../README.md", import.meta.url), "utf8").split("\n");
  const heading = lines.indexOf("## Check catalog");
  const header = lines.findIndex((l, i) => i > heading && l.startsWith("| id |"));
  const rows: CatalogRow[] = [];
  const unreadable: string[] = [];
  for (let i = header + 2; i < lines.length && lines[i]?.startsWith("|"); i++) {
    const m = /^\| `([a-z0-9-]+)` \|.*\| ([a-z]+) \|$/.exec(lines[i] as string);
    if (m) rows.push({ id: m[1] as string, severity: m[2] as string, line: i + 1 });
    else unreadable.push(`README.md:${i + 1}: ${lines[i]}`);
  }
  return { rows, unreadable };
}

/** What docs/checks.md (the published catalog, generated from the registry) says of each check. */
interface Published {
  title: string;
  severity: string;
  resourceTypes: string[];
  why: string;
  whatToDo: string;
  references: string[];
}

function publishedChecks(): Map<string, Published> {
  const lines = readFileSync(new URL("../../../docs/checks.md", import.meta.url), "utf8").split("\n");
  const out = new Map<string, Published>();
  let current: Published | undefined;
  let inReferences = false;
  for (const line of lines) {
    const heading = /^### `([a-z0-9-]+)` — (.*)$/.exec(line);
    if (heading) {
      current = { title: heading[2] as string, severity: "", resourceTypes: [], why: "", whatToDo: "", references: [] };
      out.set(heading[1] as string, current);
      inReferences = false;
      continue;
    }
    if (line.startsWith("## ")) current = undefined;
    if (!current) continue;
    const field = (prefix: string) => (line.startsWith(prefix) ? line.slice(prefix.length) : undefined);
    current.severity = field("- **Severity** (default): ") ?? current.severity;
    const types = field("- **Resource**: ");
    if (types !== undefined) current.resourceTypes = types.split(", ").map((t) => t.replaceAll("`", ""));
    current.why = field("**Why**: ") ?? current.why;
    current.whatToDo = field("**What to do**: ") ?? current.whatToDo;
    if (line === "**References**:") inReferences = true;
    else if (inReferences && line.startsWith("- ")) current.references.push(line.slice(2));
  }
  return out;
}

const catalog = readmeCatalog();
const registered = new Set<string>(CHECK_IDS);
const written = new Set(catalog.rows.map((r) => r.id));
const pair = (id: string, severity: string) => `${id} ${severity}`;

describe("check registry", () => {
  it("finds the README catalog and reads every row of it", () => {
    expect(catalog.rows.length).toBeGreaterThanOrEqual(44);
    expect(catalog.unreadable).toEqual([]);
  });

  it("registers each id once and lists each once in the catalog", () => {
    expect(CHECK_IDS.filter((id, i) => CHECK_IDS.indexOf(id) !== i)).toEqual([]);
    expect(
      catalog.rows.filter((r, i) => catalog.rows.findIndex((x) => x.id === r.id) !== i).map((r) => `README.md:${r.line} ${r.id}`),
    ).toEqual([]);
  });

  it("registers exactly the README catalog's ids", () => {
    expect({
      registeredNotInReadme: [...registered].filter((id) => !written.has(id)),
      inReadmeNotRegistered: [...written].filter((id) => !registered.has(id)),
    }).toEqual({ registeredNotInReadme: [], inReadmeNotRegistered: [] });
  });

  it("gives every check the README catalog's default severity", () => {
    const fromRegistry = new Set(CHECKS.map((c) => pair(c.meta.id, c.meta.severity)));
    const fromReadme = new Set(catalog.rows.map((r) => pair(r.id, r.severity)));
    expect([...fromRegistry].filter((p) => !fromReadme.has(p))).toEqual([]);
    expect([...fromReadme].filter((p) => !fromRegistry.has(p))).toEqual([]);
  });

  it("gives every check the metadata a user acts on", () => {
    for (const { meta } of CHECKS) {
      expect(meta.title.length, meta.id).toBeGreaterThan(5);
      expect(meta.title, meta.id).not.toMatch(/^Ensure /);
      expect(meta.rationale.length, meta.id).toBeGreaterThan(40);
      expect(meta.remediation.length, meta.id).toBeGreaterThan(30);
      expect(SEVERITIES).toContain(meta.severity);
      const types = Array.isArray(meta.resourceType) ? meta.resourceType : [meta.resourceType];
      for (const t of types) expect(RESOURCE_TYPES).toContain(t);
    }
  });

  it("carries for every check what the published catalog (docs/checks.md) says of it: title, severity, resource, why, what to do, references", () => {
    const published = publishedChecks();
    expect(published.size).toBe(CHECKS.length);
    for (const { meta } of CHECKS) {
      expect(published.get(meta.id), meta.id).toEqual({
        title: meta.title,
        severity: meta.severity,
        resourceTypes: Array.isArray(meta.resourceType) ? meta.resourceType : [meta.resourceType],
        why: meta.rationale,
        whatToDo: meta.remediation,
        references: meta.references,
      });
    }
  });

  it("cites each reference so a reader can look it up: a Security Hub control, a benchmark item, a guide, a CVE, a URL or a document here", () => {
    const citable = [
      /^AWS Security Hub [A-Za-z0-9]+\.\d+$/,
      /^CIS [A-Za-z ]+ Benchmark(:| \d)/,
      /^Amazon [A-Za-z ]+(User Guide|API Reference|Transit Gateways): \S/,
      /^CVE-\d{4}-\d{4,}$/,
      /https:\/\/[a-z0-9.-]+\/\S+/,
      /^docs\/[a-z0-9-]+\.md\b/,
    ];
    for (const { meta } of CHECKS) {
      for (const ref of meta.references)
        expect(
          citable.some((p) => p.test(ref)),
          `${meta.id}: ${ref}`,
        ).toBe(true);
    }
  });
});
