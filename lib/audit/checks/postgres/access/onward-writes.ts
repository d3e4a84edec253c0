/**
 * Where a statement goes on to, beyond the relation it names: an auto-updatable view's write
 * is its base relation's, a view's read reads what the view reads, and a rule's actions write
 * (or read) the relations they name. The triggers and stored expressions of each relation reached run in the same
 * statement, as the role running it; permissions, and so whose row-level security policies
 * apply, are checked as the view's owner (unless the view is security_invoker) or the rule's
 * relation's owner (all four proven live on 15: a definer function's INSERT into a view and
 * into a table with a DO ALSO rule ran the base table's default, trigger and a policy `TO` the
 * view's owner, and the rule target's trigger and a policy `TO` the rule relation's owner, each
 * as the definer's owner).
 */
import type { PgRelation, PgRule, PgTrigger } from "../../../probes/postgres/types.js";
import { COMMAND_ORDER, commandsOn } from "./body-references.js";

/** A relation a write reaches through views and rules. */
export interface OnwardWrite {
  relation: number;
  commands: readonly string[];
  /** The way there from the named relation, up to the reached one's name: ` -(auto-updatable view)-> public.v1 -(rule r)-> `. */
  hops: string;
  /** The role permissions and policies are checked as there; undefined: the writer's own. */
  checkedAs?: number;
}

interface Step {
  to: number;
  label: string;
  /** The commands on `to` that these commands on the step's relation make. */
  carry: (commands: readonly string[]) => string[];
  checkedAs?: number;
}

const WRITES = new Set(["INSERT", "UPDATE", "DELETE"]);

export class OnwardWrites {
  private readonly steps = new Map<number, Step[]>();
  private readonly names = new Map<number, string>();
  private readonly memo = new Map<string, OnwardWrite[]>();
  /** The relations a write through goes on from: a body naming one of them may write further. */
  readonly sources: readonly PgRelation[];

  constructor(relations: readonly PgRelation[], rules: readonly PgRule[], triggers: readonly PgTrigger[]) {
    const byOid = new Map(relations.map((r) => [r.oid, r]));
    for (const r of relations) this.names.set(r.oid, `${r.schema}.${r.name}`);
    const add = (from: number, step: Step) => {
      const list = this.steps.get(from);
      if (list) list.push(step);
      else this.steps.set(from, [step]);
    };
    // An INSTEAD rule or an INSTEAD OF trigger takes its event: no automatic update then.
    const taken = new Map<number, Set<string>>();
    const take = (relation: number, event: string) => {
      const set = taken.get(relation) ?? new Set<string>();
      set.add(event);
      taken.set(relation, set);
    };
    for (const rule of rules) if (rule.instead) take(rule.relation, rule.event);
    // A view's triggers cannot be disabled: an INSTEAD OF one always takes its event.
    for (const t of triggers) if (t.timing === "INSTEAD OF") for (const e of t.events) take(t.relation, e);
    for (const view of relations) {
      if (view.relkind !== "v") continue;
      // A read of the view reads what it reads, with the view owner's rights (found live by a
      // review: a policy of a table under a view the definer reads ran as the definer's owner).
      for (const read of view.reads) {
        add(view.oid, {
          to: read,
          label: "view",
          carry: (commands) => (commands.includes("SELECT") ? ["SELECT"] : []),
          ...(view.securityInvoker ? {} : { checkedAs: view.owner }),
        });
      }
      if (view.updatable.length === 0) continue;
      const bases = view.base === "unread" ? view.reads : view.base !== undefined ? [view.base] : view.reads.length === 1 ? view.reads : [];
      const passes = view.updatable.filter((e) => WRITES.has(e) && !taken.get(view.oid)?.has(e));
      for (const base of bases) {
        add(view.oid, {
          to: base,
          label: "auto-updatable view",
          carry: (commands) => commands.filter((c) => passes.includes(c)),
          ...(view.securityInvoker ? {} : { checkedAs: view.owner }),
        });
      }
    }
    for (const rule of rules) {
      const on = byOid.get(rule.relation);
      if (!on) continue;
      for (const ref of rule.references) {
        const target = byOid.get(ref);
        if (!target || ref === rule.relation) continue;
        const made = commandsOn(rule.definition, target.schema, target.name) ?? [];
        if (made.length === 0) continue;
        add(rule.relation, {
          to: ref,
          label: `rule ${rule.name}`,
          carry: (commands) => (commands.includes(rule.event) ? made : []),
          checkedAs: on.owner,
        });
      }
    }
    this.sources = relations.filter((r) => this.steps.has(r.oid));
  }

  /** Everything a statement's `commands` on `relation` write or read beyond it, each relation and command once. */
  from(relation: number, commands: readonly string[]): readonly OnwardWrite[] {
    const key = `${relation}:${commands.join(",")}`;
    let found = this.memo.get(key);
    if (found) return found;
    found = [];
    const seen = new Set<string>();
    const queue: { relation: number; commands: readonly string[]; hops: string; checkedAs?: number }[] = [
      { relation, commands, hops: " " },
    ];
    for (let i = 0; i < queue.length; i++) {
      const at = queue[i] as (typeof queue)[number];
      for (const step of this.steps.get(at.relation) ?? []) {
        const fresh = step.carry(at.commands).filter((c) => !seen.has(`${step.to}:${c}`));
        if (fresh.length === 0) continue;
        for (const c of fresh) seen.add(`${step.to}:${c}`);
        const next = {
          relation: step.to,
          commands: COMMAND_ORDER.filter((c) => fresh.includes(c)),
          hops: `${at.hops}-(${step.label})-> `,
          checkedAs: step.checkedAs ?? at.checkedAs,
        };
        found.push(next.checkedAs === undefined ? { relation: next.relation, commands: next.commands, hops: next.hops } : next);
        queue.push({ ...next, hops: `${next.hops}${this.names.get(step.to) ?? `relation ${step.to}`} ` });
      }
    }
    this.memo.set(key, found);
    return found;
  }
}
