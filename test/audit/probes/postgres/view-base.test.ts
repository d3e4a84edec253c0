import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { onlyRelations, viewBaseRelation } from "../../../../lib/audit/probes/postgres/view-base.js";

const stored = (name: string) => readFileSync(new URL(`../../../fixtures/postgres-view-queries/${name}.txt`, import.meta.url), "utf8");
/** The OID `qx.jobs` had when each fixture was stored. */
const JOBS = { 15: 16455, 18: 16386 } as const;

describe("the relation an auto-updatable view writes, from its stored query", () => {
  for (const version of [15, 18] as const) {
    it(`on ${version}: the FROM item, not the tables its WHERE and select list read`, () => {
      expect(viewBaseRelation(stored(`${version}-filtered`))).toBe(JOBS[version]);
    });

    it(`on ${version}: nothing for a join or a subquery in FROM (not auto-updatable)`, () => {
      expect(viewBaseRelation(stored(`${version}-joined`))).toBeUndefined();
      expect(viewBaseRelation(stored(`${version}-subfrom`))).toBeUndefined();
    });
  }

  for (const version of [15, 18] as const) {
    it(`on ${version}: the relations read only with ONLY, subqueries included; none for a view without ONLY`, () => {
      expect(onlyRelations(stored(`${version}-filtered`))).toContain(JOBS[version]);
      expect(onlyRelations(stored(`${version}-joined`))).not.toContain(JOBS[version]);
    });
  }

  it("a relation read with ONLY in one place and without it in another is not read only with ONLY", () => {
    const entry = (relid: number, inh: boolean) => `{RANGETBLENTRY :rtekind 0 :relid ${relid} :inh ${inh}}`;
    const tree = `({QUERY :rtable (${entry(7, false)} ${entry(8, false)}) :quals {SUBLINK :subselect {QUERY :rtable (${entry(7, true)})}}})`;
    expect(onlyRelations(tree)).toEqual([8]);
    expect(onlyRelations("({QUERY :rtable ({RANGETBLENTRY :rtekind 1 :relid 7 :inh false})})")).toEqual([]);
    expect(onlyRelations("not a tree")).toEqual([]);
  });

  it("escaped braces, parentheses, colons and spaces in names do not end a node early", () => {
    const tree =
      '({QUERY :cteList <> :rtable ({RANGETBLENTRY :alias {ALIAS :aliasname a\\ :relid\\ 9\\} :colnames <>} :eref {ALIAS :aliasname x :colnames ("a\\)\\ :rtindex\\ 2")} :rtekind 0 :relid 41}) :jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex 1}) :quals <>} :targetList <>})';
    expect(viewBaseRelation(tree)).toBe(41);
  });

  it("nothing for text it does not understand: an index past the range table, a non-relation entry, no jointree, no query", () => {
    const tree = (rtindex: number, rtekind = 0) =>
      `({QUERY :rtable ({RANGETBLENTRY :rtekind ${rtekind} :relid 7}) :jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex ${rtindex}}) :quals <>}})`;
    expect(viewBaseRelation(tree(1))).toBe(7);
    expect(viewBaseRelation(tree(2))).toBeUndefined();
    expect(viewBaseRelation(tree(0))).toBeUndefined();
    expect(viewBaseRelation(tree(1, 1))).toBeUndefined();
    expect(viewBaseRelation("({QUERY :rtable ({RANGETBLENTRY :rtekind 0 :relid 7})})")).toBeUndefined();
    expect(viewBaseRelation("({QUERY :rtable <> :jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex 1})}})")).toBeUndefined();
    expect(viewBaseRelation("({QUERY :rtable (")).toBeUndefined();
    expect(viewBaseRelation("")).toBeUndefined();
    expect(viewBaseRelation("({INSERT :rtable ()})")).toBeUndefined();
  });

  it("two FROM items (an old-style comma join) are not one base", () => {
    const tree =
      "({QUERY :rtable ({RANGETBLENTRY :rtekind 0 :relid 7} {RANGETBLENTRY :rtekind 0 :relid 8}) :jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex 1} {RANGETBLREF :rtindex 2}) :quals <>}})";
    expect(viewBaseRelation(tree)).toBeUndefined();
  });
});
