import { describe, expect, it } from "vitest";
import { actionsOf, type OnwardWrite, OnwardWrites, refusedRule } from "../../../../../lib/audit/checks/postgres/access/onward-writes.js";
import type { PgRelation, PgRule, PgTrigger } from "../../../../../lib/audit/probes/postgres/types.js";

const rel = (oid: number, name: string, extra: Partial<PgRelation> = {}): PgRelation => ({
  oid,
  schema: "public",
  name,
  relkind: "r",
  owner: 100 + oid,
  acl: [],
  securityInvoker: false,
  updatable: [],
  reads: [],
  ...extra,
});
const view = (oid: number, name: string, reads: number[], extra: Partial<PgRelation> = {}) =>
  rel(oid, name, { relkind: "v", reads, updatable: ["INSERT", "UPDATE", "DELETE"], ...extra });
const rule = (name: string, on: number, event: string, references: number[], definition: string, instead = false): PgRule => ({
  oid: 900,
  name,
  relation: on,
  event,
  instead,
  references,
  definition,
});
const T = rel(1, "t");
/** The writes among what a statement reaches (an UPDATE or DELETE through a view also reads what its WHERE clause reads). */
const writesOf = (reached: readonly OnwardWrite[]) => reached.filter((w) => w.commands.some((c) => c !== "SELECT"));
const LOG = rel(2, "log");

describe("where a write goes on through views and rules", () => {
  it("a view over a view writes the table, each hop named, checked as the nearest view owner's", () => {
    const onward = new OnwardWrites([T, view(10, "v1", [1]), view(11, "v2", [10])], [], []);
    expect(onward.from(11, ["INSERT"])).toEqual([
      { relation: 10, commands: ["INSERT"], hops: " -(auto-updatable view)-> ", checkedAs: 111, reachingChildren: true },
      {
        relation: 1,
        commands: ["INSERT"],
        hops: " -(auto-updatable view)-> public.v1 -(auto-updatable view)-> ",
        checkedAs: 110,
        reachingChildren: true,
      },
    ]);
    expect(onward.sources.map((r) => r.name)).toEqual(["v1", "v2"]);
  });

  it("a security_invoker view leaves the writer's rights in place; a view's base is its FROM item, not every relation it reads", () => {
    const onward = new OnwardWrites([T, LOG, view(10, "v", [2, 1], { securityInvoker: true, base: 1 })], [], []);
    expect(writesOf(onward.from(10, ["DELETE"]))).toEqual([
      { relation: 1, commands: ["DELETE"], hops: " -(auto-updatable view)-> ", reachingChildren: true },
    ]);
  });

  it("a view whose query was not read is taken to write each relation it reads", () => {
    const onward = new OnwardWrites([T, LOG, view(10, "v", [2, 1], { base: "unread" })], [], []);
    expect(writesOf(onward.from(10, ["UPDATE"])).map((w) => w.relation)).toEqual([2, 1]);
  });

  it("an INSTEAD rule or an INSTEAD OF trigger takes its event from the automatic update", () => {
    const instead: PgTrigger = { name: "i", relation: 10, function: 5, events: ["UPDATE"], timing: "INSTEAD OF", enabled: true };
    const before: PgTrigger = { ...instead, events: ["DELETE"], timing: "BEFORE" };
    const onward = new OnwardWrites(
      [T, view(10, "v", [1])],
      [rule("nope", 10, "INSERT", [], "… DO INSTEAD NOTHING", true)],
      [instead, before],
    );
    expect(onward.from(10, ["INSERT"])).toEqual([]);
    expect(writesOf(onward.from(10, ["UPDATE"]))).toEqual([]);
    expect(writesOf(onward.from(10, ["INSERT", "UPDATE", "DELETE"])).map((w) => w.commands)).toEqual([["DELETE"]]);
  });

  it("a read of a view reads every relation its query reads, checked as its owner unless it is security_invoker; so does a DELETE through it", () => {
    const onward = new OnwardWrites([T, LOG, view(10, "v", [1, 2], { base: 1 }), view(11, "w", [10], { securityInvoker: true })], [], []);
    expect(onward.from(11, ["SELECT"])).toEqual([
      { relation: 10, commands: ["SELECT"], hops: " -(view)-> ", reachingChildren: true },
      { relation: 1, commands: ["SELECT"], hops: " -(view)-> public.v -(view)-> ", checkedAs: 110, reachingChildren: true },
      { relation: 2, commands: ["SELECT"], hops: " -(view)-> public.v -(view)-> ", checkedAs: 110, reachingChildren: true },
    ]);
    expect(onward.from(10, ["DELETE"]).map((w) => [w.relation, w.commands])).toEqual([
      [1, ["SELECT"]],
      [2, ["SELECT"]],
      [1, ["DELETE"]],
    ]);
  });

  it("a rule's action writes for its own event only, as its relation's owner, with what its text does there", () => {
    const onward = new OnwardWrites(
      [T, LOG],
      [
        rule("copy", 1, "INSERT", [2], "CREATE RULE copy AS ON INSERT TO public.t DO ALSO INSERT INTO public.log VALUES (new.id)"),
        rule("gone", 1, "DELETE", [2], "CREATE RULE gone AS ON DELETE TO public.t DO ALSO DELETE FROM public.log WHERE id = old.id"),
      ],
      [],
    );
    expect(onward.from(1, ["INSERT"])).toEqual([
      { relation: 2, commands: ["INSERT"], hops: " -(rule copy)-> ", checkedAs: 101, reachingChildren: true },
    ]);
    expect(onward.from(1, ["UPDATE"])).toEqual([]);
    expect(onward.from(1, ["DELETE"]).map((w) => w.commands)).toEqual([["DELETE"]]);
  });

  it("a rule's action on its own relation writes it again; ONLY in every action naming a parent reaches none of its children", () => {
    const onward = new OnwardWrites(
      [T, LOG],
      [
        rule("bump", 1, "INSERT", [], "CREATE RULE bump AS\n    ON INSERT TO public.t DO  UPDATE public.t SET n = (t.n + 1)"),
        rule(
          "prune",
          1,
          "DELETE",
          [2],
          "CREATE RULE prune AS\n    ON DELETE TO public.t DO  DELETE FROM ONLY public.log WHERE (log.id = old.id)",
        ),
      ],
      [],
    );
    expect(onward.from(1, ["INSERT"])).toEqual([
      // Its column names read the table too, as an UPDATE's WHERE clause does.
      { relation: 1, commands: ["SELECT", "UPDATE"], hops: " -(rule bump)-> ", checkedAs: 101, reachingChildren: true },
    ]);
    expect(onward.from(1, ["DELETE"])).toEqual([
      { relation: 2, commands: ["SELECT", "DELETE"], hops: " -(rule prune)-> ", checkedAs: 101, reachingChildren: false },
    ]);
  });

  it("an unconditional INSTEAD rule's event never happens on its relation, though its actions run; a conditional one on a table leaves it", () => {
    const redirect = rule(
      "redirect",
      1,
      "INSERT",
      [2],
      "CREATE RULE redirect AS\n    ON INSERT TO public.t DO INSTEAD  INSERT INTO public.log VALUES (new.id)",
      true,
    );
    const onward = new OnwardWrites([T, LOG, view(10, "v", [1])], [redirect], []);
    expect(onward.from(10, ["INSERT"])).toEqual([
      {
        relation: 2,
        commands: ["INSERT"],
        hops: " -(auto-updatable view)-> public.t -(rule redirect)-> ",
        checkedAs: 101,
        reachingChildren: true,
      },
    ]);
    expect(onward.performed(1, ["INSERT", "UPDATE"])).toEqual(["UPDATE"]);
    const conditional = new OnwardWrites([T, LOG, view(10, "v", [1])], [{ ...redirect, conditional: true }], []);
    expect(conditional.from(10, ["INSERT"]).map((w) => w.relation)).toEqual([1, 2]);
    expect(conditional.performed(1, ["INSERT"])).toEqual(["INSERT"]);
    // On a view, PostgreSQL refuses the automatic update when a conditional INSTEAD rule is there.
    const onView = new OnwardWrites(
      [T, view(10, "v", [1])],
      [{ ...rule("c", 10, "INSERT", [], "… DO INSTEAD NOTHING", true), conditional: true }],
      [],
    );
    expect(onView.from(10, ["INSERT"])).toEqual([]);
  });

  it("a relation reached twice, checked as two roles, is reported for each: either role's policies may apply", () => {
    const onward = new OnwardWrites(
      [T, rel(3, "r"), view(10, "v", [1])],
      [
        rule("a", 3, "INSERT", [1], "CREATE RULE a AS ON INSERT TO public.r DO  INSERT INTO public.t VALUES (new.e)"),
        rule("b", 3, "INSERT", [10], "CREATE RULE b AS ON INSERT TO public.r DO  INSERT INTO public.v VALUES (new.e)"),
      ],
      [],
    );
    expect(
      onward
        .from(3, ["INSERT"])
        .filter((w) => w.relation === 1)
        .map((w) => w.checkedAs),
    ).toEqual([103, 110]);
  });

  it("an INSERT through a view WITH CHECK OPTION reads what its WHERE clause reads; one without does not", () => {
    const checked = new OnwardWrites([T, LOG, view(10, "v", [1, 2], { base: 1, checkOption: true })], [], []);
    expect(checked.from(10, ["INSERT"]).map((w) => [w.relation, w.commands])).toEqual([
      [1, ["SELECT"]],
      [2, ["SELECT"]],
      [1, ["INSERT"]],
    ]);
    const plain = new OnwardWrites([T, LOG, view(10, "v", [1, 2], { base: 1 })], [], []);
    expect(plain.from(10, ["INSERT"]).map((w) => [w.relation, w.commands])).toEqual([[1, ["INSERT"]]]);
  });

  it("a rule's condition reads the relations it names, for the rule's event", () => {
    const onward = new OnwardWrites(
      [T, LOG, rel(3, "gate")],
      [
        rule(
          "gated",
          1,
          "INSERT",
          [3, 2],
          "CREATE RULE gated AS\n    ON INSERT TO public.t\n   WHERE (EXISTS ( SELECT 1\n           FROM public.gate)) DO  INSERT INTO public.log VALUES (new.id)",
        ),
      ],
      [],
    );
    expect(onward.from(1, ["INSERT"]).map((w) => [w.relation, w.commands])).toEqual([
      [3, ["SELECT"]],
      [2, ["INSERT"]],
    ]);
  });

  it("a conditional INSTEAD rule on a view with nothing unconditional for its event is refused by PostgreSQL: it is followed nowhere", () => {
    const gated = { ...rule("gated", 10, "INSERT", [2], "… DO INSTEAD INSERT INTO public.log VALUES (new.id)", true), conditional: true };
    const v = view(10, "v", [1]);
    expect(refusedRule(v, gated, [gated], [])).toBe(true);
    expect(new OnwardWrites([T, LOG, v], [gated], []).from(10, ["INSERT"])).toEqual([]);
    // With an unconditional INSTEAD rule or an INSTEAD OF trigger for the event, the statement runs.
    const always = { ...gated, name: "always", conditional: false, references: [] };
    expect(refusedRule(v, gated, [gated, always], [])).toBe(false);
    const trigger: PgTrigger = { name: "i", relation: 10, function: 5, events: ["INSERT"], timing: "INSTEAD OF", enabled: true };
    expect(refusedRule(v, gated, [gated], [trigger])).toBe(false);
    // On a table a conditional INSTEAD rule leaves the statement to the other rows: never refused.
    expect(refusedRule(T, { ...gated, relation: 1 }, [gated], [])).toBe(false);
  });

  it("a rule's actions start at its DO keyword, not at a ' DO ' inside a string or a quoted name of its condition", () => {
    const definition =
      "CREATE RULE r AS\n    ON INSERT TO public.t\n   WHERE ((new.e = 'to do it'::text) AND (new.\"a do b\" = 1)) DO  DELETE FROM public.t";
    expect(actionsOf(definition)).toBe(" DO  DELETE FROM public.t");
    // A doubled quote inside a literal closes and reopens it: still inside.
    expect(actionsOf("ON INSERT TO t WHERE (new.e = 'it''s do able') DO ALSO NOTIFY t")).toBe(" DO ALSO NOTIFY t");
    expect(actionsOf("no keyword here")).toBe("no keyword here");
  });

  it("a cycle of rules and views ends, each relation and command once", () => {
    const onward = new OnwardWrites(
      [T, view(10, "v", [1])],
      [rule("back", 1, "UPDATE", [10], "CREATE RULE back AS ON UPDATE TO public.t DO ALSO UPDATE public.v SET id = new.id")],
      [],
    );
    expect(writesOf(onward.from(10, ["UPDATE"])).map((w) => [w.relation, w.commands])).toEqual([
      [1, ["UPDATE"]],
      [10, ["UPDATE"]],
    ]);
  });
});
