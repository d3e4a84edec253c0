import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECKS } from "../../lib/audit/checks/registry.js";
import { CHECKS_DOC, currentChecksDoc, readmeFailsWhen, renderChecksDoc } from "../../scripts/checks-doc.js";

describe("docs/checks.md", () => {
  it("is what scripts/checks-doc.ts generates from the registry (run `npx tsx scripts/checks-doc.ts` after adding a check)", () => {
    expect(readFileSync(CHECKS_DOC, "utf8")).toBe(currentChecksDoc());
  });

  it("documents every registered check with its README row, severity and rationale", () => {
    const doc = currentChecksDoc();
    const readme = readmeFailsWhen(readFileSync(new URL("../../README.md", import.meta.url), "utf8"));
    for (const { meta } of CHECKS) {
      expect(doc).toContain(`### \`${meta.id}\` — ${meta.title}`);
      expect(doc).toContain(`**Why**: ${meta.rationale}`);
      expect(readme.has(meta.id), meta.id).toBe(true);
    }
  });

  it("goes out of date when a check changes", () => {
    const changed = CHECKS.map((c, i) => (i === 0 ? { meta: { ...c.meta, rationale: "Something else entirely, and long enough." } } : c));
    expect(renderChecksDoc(changed, new Map())).not.toBe(currentChecksDoc());
  });
});
