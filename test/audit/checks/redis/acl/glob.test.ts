import { describe, expect, it } from "vitest";
import { globMatches, globsIntersect, matchesEverything } from "../../../../../lib/audit/checks/redis/acl/glob.js";

describe("globMatches follows Redis's stringmatchlen", () => {
  it.each([
    ["queue:*", "queue:default", true],
    ["queue:*", "queues", false],
    ["queue?", "queues", true],
    ["queue?", "queue", false],
    ["q[aeu]eue", "queue", true],
    ["q[^u]eue", "queue", false],
    ["q[a-z]eue", "queue", true],
    ["q[z-a]eue", "queue", true], // a reversed range is swapped, as Redis does
    ["q\\*", "q*", true],
    ["q\\*", "qx", false],
    ["[\\]]", "]", true],
    ["*", "", true],
    ["a*b*c", "axxbyyc", true],
    ["a*b*c", "axxbyy", false],
    ["[]", "x", false], // an empty class matches nothing
  ])("%s vs %s → %s", (pattern, key, expected) => {
    expect(globMatches(pattern, key)).toBe(expected);
  });
});

describe("globsIntersect decides whether two patterns share a key", () => {
  it.each([
    // Prefixes that a string test gets right…
    ["cache:*", "queue:*", false],
    ["queue:*", "queue:default", true],
    // …and the ones it gets wrong.
    ["*:default", "queue:*", true],
    ["*ueue:*", "queue:*", true],
    ["q*", "queues", true],
    ["qu?ue*", "queue:*", true],
    ["q[!a]*", "queue:*", false], // '!' is a literal in Redis classes, not negation
    ["q[^a]*", "queue:*", true],
    ["q[^u]*", "queue:*", false],
    ["queue\\*", "queue:*", false], // literal '*' vs ':' after "queue"
    ["queue\\*", "queue*", true],
    ["*", "anything", true],
    ["retry", "retr?", true],
    ["retry", "retr[a-x]", false],
    ["a*", "*b", true],
    ["a?", "?b", true],
    ["ab", "a", false],
  ])("%s ∩ %s → %s", (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
    expect(globsIntersect(b, a)).toBe(expected);
  });

  it("knows a match-all pattern when it sees one", () => {
    expect(matchesEverything("*")).toBe(true);
    expect(matchesEverything("**")).toBe(true);
    expect(matchesEverything("*?")).toBe(false);
  });
});
