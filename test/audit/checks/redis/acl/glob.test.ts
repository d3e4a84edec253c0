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

describe("Redis's reading of the corner cases of a pattern", () => {
  it.each([
    ["[ab", "b", true], // an unterminated class runs to the end of the pattern
    ["[ab", "ab", false],
    ["[a-]", "^", true], // "a-]" is a range a..] (swapped to ]..a); the class then runs on to the end
    ["[a-]", "-", false],
    ["[\\-]", "-", true],
    ["[\\-]", "\\", false],
    ["[^]", "x", true], // an empty negated class matches any one character
    ["[^]", "", false],
    ["a\\", "a\\", true], // a trailing backslash is itself
    ["a\\", "a", false],
    ["[^a]", "\uffff", true],
    ["[^a]", "a", false],
    ["?", "", false],
    ["**a", "ba", true],
    ["[a-", "-", true], // too short for a range: "a" and "-" are members
    ["[a-", "a", true],
    ["[a-", "b", false],
    ["[^a-eb]", "c", false], // a range inside an earlier one leaves no gap
    ["[^a-eb]", "f", true],
  ])("%s vs %s → %s", (pattern, key, expected) => {
    expect(globMatches(pattern, key)).toBe(expected);
  });
});

describe("a negated class up to the last code unit", () => {
  it("leaves U+FFFF when every other unit is excluded", () => {
    expect(globMatches("[^\u0000-\ufffe]", "\uffff")).toBe(true);
    expect(globMatches("[^\u0000-\ufffe]", "x")).toBe(false);
  });
});

describe("globsIntersect with classes on both sides", () => {
  it.each([
    ["[a-c]x", "[c-e]x", true],
    ["[a-b]", "[c-d]", false],
    ["[^a-c]", "[a-d]", true],
    ["[^a-d]", "[a-d]", false],
    ["[^b]", "[a-c]", true],
    ["[^a-cb-e]", "[a-e]", false], // overlapping ranges in a negated class
    ["[^a-bd-e]", "[a-e]", true], // c is left
    ["[^a-bd-e]", "[abde]", false],
    ["*[xy]", "a*b", false],
    ["*[xy]", "a*y", true],
  ])("%s ∩ %s → %s", (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
    expect(globsIntersect(b, a)).toBe(expected);
  });

  it("matches everything only with stars alone", () => {
    expect(matchesEverything("")).toBe(false);
    expect(matchesEverything("\\*")).toBe(false);
    expect(matchesEverything("[*]")).toBe(false);
    expect(matchesEverything("?*")).toBe(false);
  });
});

describe("negated classes and class edges, as stringmatchlen reads them", () => {
  it.each([
    ["[^c-da-b]", "a", false], // ranges written out of order are all excluded
    ["[^c-da-b]", "e", true],
    ["[^x-zc-da-b]", "b", false],
    ["[^x-zc-da-b]", "w", true],
    ["[^a]", "^", true], // the '^' that negates is not itself a member
    ["[^a]", "[", true],
    ["[^ab", "c", true], // an unterminated negated class still runs to the end of the pattern
    ["[^ab", "b", false],
    ["[a\\", "\\", true], // a backslash that ends an unterminated class is a literal member
    ["[a\\", "a", true],
  ])("%s vs %s → %s", (pattern, key, expected) => {
    expect(globMatches(pattern, key)).toBe(expected);
  });

  it("a negated class of adjacent members leaves no gap between them", () => {
    expect(globsIntersect("[^ab]", "[ab]")).toBe(false);
    expect(globsIntersect("[^ab]", "[a-b]")).toBe(false);
    expect(globsIntersect("[^\u0000]", "[\u0000-\u0001]")).toBe(true);
    expect(globsIntersect("[^ab]", "[a-c]")).toBe(true);
  });

  it("answers at once for patterns with many stars, which a search without memory would take forever on", () => {
    expect(globsIntersect(`${"*a".repeat(40)}x`, `${"*a".repeat(40)}y`)).toBe(false);
    expect(globsIntersect(`${"*a".repeat(40)}x`, `${"*a".repeat(40)}*x`)).toBe(true);
  });
});
