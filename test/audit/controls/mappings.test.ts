import { describe, expect, it } from "vitest";
import { CHECK_IDS } from "../../../lib/audit/checks/registry.js";
import { controlLabels, controlsOf, mappedCheckIds, REQUIRED_FRAMEWORKS } from "../../../lib/audit/controls/mappings.js";

describe("control mappings", () => {
  it("map exactly the registered checks", () => {
    expect(new Set(mappedCheckIds())).toEqual(new Set(CHECK_IDS));
  });

  it.each([...CHECK_IDS])("map %s to at least one control of every required framework, each with a reason", (id) => {
    const refs = controlsOf(id);
    for (const framework of REQUIRED_FRAMEWORKS)
      expect(
        refs.some((r) => r.framework === framework),
        `${id} ${framework}`,
      ).toBe(true);
    for (const ref of refs) expect(ref.why.length, `${id} ${ref.framework} ${ref.control}`).toBeGreaterThan(20);
  });

  it("label a check's controls once each, framework first", () => {
    const labels = controlLabels("sg-world-ingress");
    expect(labels).toContain("SOC 2 CC6.6");
    expect(labels).toContain("CIS AWS Foundations 3.0 5.2");
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("give an unmapped id no controls rather than another check's", () => {
    expect(controlsOf("no-such-check")).toEqual([]);
  });
});
