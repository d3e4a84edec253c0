import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canaryPassword, candidatesFor, pacer, WEAK_PASSWORD_PACE_MS, WEAK_PASSWORDS } from "../../../lib/audit/probes/weak-passwords.js";

describe("the weak-password list", () => {
  it("is exactly the list docs/weak-passwords.md shows, and short", () => {
    const doc = readFileSync(new URL("../../../docs/weak-passwords.md", import.meta.url), "utf8");
    const block = /<!-- weak-passwords:start -->\n([\s\S]*?)<!-- weak-passwords:end -->/.exec(doc)?.[1] ?? "";
    const documented = block
      .trim()
      .split("\n")
      .map((l) => /^\d+\. (?:`(.*)`|\*\(empty\)\*)$/.exec(l))
      .map((m) => (m ? (m[1] ?? "") : "NOT A LIST LINE"));
    expect(documented).toEqual(WEAK_PASSWORDS);
    expect(WEAK_PASSWORDS.length + 1).toBeLessThanOrEqual(20);
    expect(doc).toContain(`at least **${WEAK_PASSWORD_PACE_MS} ms** apart`);
    expect(WEAK_PASSWORD_PACE_MS).toBeGreaterThanOrEqual(200);
  });

  it("puts the user's own name in, tries each value once, and leaves out the empty one where asked", () => {
    expect(candidatesFor("redis", { empty: true })).toHaveLength(WEAK_PASSWORDS.length - 1);
    expect(candidatesFor("app", { empty: true }).slice(0, 3)).toEqual(["", "app", "password"]);
    expect(candidatesFor("app", { empty: false })[0]).toBe("app");
  });

  it("makes a canary no list holds", () => {
    const a = canaryPassword();
    expect(a).toMatch(/^[0-9a-f]{48}$/);
    expect(a).not.toBe(canaryPassword());
  });

  it("paces calls at least the pause apart", async () => {
    const pace = pacer(50);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await pace();
      times.push(Date.now());
    }
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(49);
    expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(49);
  });
});
