import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECK_IDS, CHECKS } from "../../../lib/audit/checks/registry.js";
import { RESOURCE_TYPES, SEVERITIES } from "../../../lib/audit/findings/model.js";

/**
 * The README's check catalog is the one written list of ids and default severities: the
 * public contract. A rename or a severity change must show up there, or fail here.
 */
function readmeCatalog(): Map<string, string> {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const rows = new Map<string, string>();
  for (const m of readme.matchAll(/^\| `([a-z0-9-]+)` \|.*\| (critical|high|medium|low|info) \|$/gm))
    rows.set(m[1] as string, m[2] as string);
  return rows;
}

describe("check registry", () => {
  it("registers exactly the README catalog's ids, once each", () => {
    const catalog = readmeCatalog();
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
    expect(new Set(CHECK_IDS)).toEqual(new Set(catalog.keys()));
  });

  it("gives every check the README catalog's default severity", () => {
    const catalog = readmeCatalog();
    expect(new Map(CHECKS.map((c) => [c.meta.id, c.meta.severity]))).toEqual(catalog);
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
});
