/**
 * Where a statement goes on to, beyond the relation it names: an auto-updatable view's write
 * is its base relation's, a view's read reads what the view reads, and a rule's actions write
 * (or read) the relations they name. The triggers and stored expressions of each relation
 * reached run in the same statement, as the role running it; permissions, and so whose row-level security policies
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
  /** False when the statement there names it with ONLY: its partitions and children are not reached. */
  reachingChildren: boolean;
}

interface Step {
  to: number;
  label: string;
  /** The commands on `to` that these commands on the step's relation make. */
  carry: (commands: readonly string[]) => string[];
  checkedAs?: number;
  reachingChildren: boolean;
}

/**
 * A rule's actions: its text after the `ON event TO relation [WHERE …] DO [ALSO|INSTEAD]` head,
 * which names its own relation too. The first DO keyword outside string literals and quoted
 * names (a ' DO ' inside a literal of the condition is no keyword: found by a review).
 */
export function actionsOf(definition: string): string {
  let quote: string | undefined;
  for (let i = 0; i < definition.length; i++) {
    const c = definition[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (/\s/.test(c) && /^DO(\s|$)/i.test(definition.slice(i + 1, i + 4))) return definition.slice(i);
  }
  return definition;
}

const WRITES = new Set(["INSERT", "UPDATE", "DELETE"]);

/**
 * The relations an automatic update through the view writes: its one base relation, which the
 * probe reads from its query when the view reads others too (a subquery in its WHERE clause);
 * one whose query was not read is taken as writing each relation it reads, never none.
 */
export function basesOf(view: Pick<PgRelation, "reads" | "base">): readonly number[] {
  if (view.base === "unread") return view.reads;
  if (view.base !== undefined) return [view.base];
  return view.reads.length === 1 ? view.reads : [];
}

function addTo(map: Map<number, Set<string>>, key: number, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * Whether PostgreSQL refuses every statement the rule is for: a conditional INSTEAD rule on a
 * view, with no unconditional INSTEAD rule or INSTEAD OF trigger for its event ("cannot insert
 * into view", found live by a third review).
 */
export function refusedRule(
  on: Pick<PgRelation, "oid" | "relkind">,
  rule: PgRule,
  rules: readonly PgRule[],
  triggers: readonly PgTrigger[],
): boolean {
  if (on.relkind !== "v" || !rule.instead || !rule.conditional) return false;
  const handled =
    rules.some((r) => r.relation === on.oid && r.event === rule.event && r.instead && !r.conditional) ||
    triggers.some((t) => t.relation === on.oid && t.timing === "INSTEAD OF" && t.events.includes(rule.event));
  return !handled;
}

export class OnwardWrites {
  private readonly steps = new Map<number, Step[]>();
  private readonly names = new Map<number, string>();
  private readonly memo = new Map<string, OnwardWrite[]>();
  /** The events an unconditional INSTEAD rule takes, by relation: the statement itself never happens there. */
  private readonly insteadRules = new Map<number, Set<string>>();
  /** The events an INSTEAD rule or an INSTEAD OF trigger takes from a view's automatic update, by view. */
  private readonly taken = new Map<number, Set<string>>();
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
    // An INSTEAD rule (a conditional one too: PostgreSQL refuses the automatic update then) or an
    // INSTEAD OF trigger takes its event from the automatic update. On a table, a conditional
    // INSTEAD rule leaves the statement to the rows its condition does not match.
    for (const rule of rules) {
      if (!rule.instead) continue;
      addTo(this.taken, rule.relation, rule.event);
      if (!rule.conditional) addTo(this.insteadRules, rule.relation, rule.event);
    }
    // A view's triggers cannot be disabled: an INSTEAD OF one always takes its event.
    for (const t of triggers) if (t.timing === "INSTEAD OF") for (const e of t.events) addTo(this.taken, t.relation, e);
    for (const view of relations) {
      if (view.relkind !== "v") continue;
      // A read of the view reads what it reads, with the view owner's rights (found live by a
      // review: a policy of a table under a view the definer reads ran as the definer's owner); so
      // do an UPDATE or DELETE through it, which evaluate its WHERE clause, and an INSERT through one
      // WITH CHECK OPTION (both found live by a third review).
      const reading = new Set(["SELECT", "UPDATE", "DELETE", ...(view.checkOption ? ["INSERT"] : [])]);
      for (const read of view.reads) {
        add(view.oid, {
          to: read,
          label: "view",
          carry: (commands) => (commands.some((c) => reading.has(c)) ? ["SELECT"] : []),
          ...(view.securityInvoker ? {} : { checkedAs: view.owner }),
          reachingChildren: !view.onlyReads?.includes(read),
        });
      }
      const passes = this.automaticEvents(view);
      if (passes.length === 0) continue;
      for (const base of basesOf(view)) {
        add(view.oid, {
          to: base,
          label: "auto-updatable view",
          carry: (commands) => commands.filter((c) => passes.includes(c)),
          ...(view.securityInvoker ? {} : { checkedAs: view.owner }),
          reachingChildren: !view.onlyReads?.includes(base),
        });
      }
    }
    for (const rule of rules) {
      const on = byOid.get(rule.relation);
      if (!on || refusedRule(on, rule, rules, triggers)) continue;
      // Its own relation too: an action may write the table it is on (found live by a review).
      // Another relation may be named in its condition as well as its actions (a third review).
      const actions = actionsOf(rule.definition);
      for (const ref of new Set([...rule.references, rule.relation])) {
        const target = byOid.get(ref);
        if (!target) continue;
        const text = ref === rule.relation ? actions : rule.definition;
        const made = commandsOn(text, target.schema, target.name) ?? [];
        if (made.length === 0) continue;
        // `ONLY parent` in every action that names it reaches no child (as for a body's statements).
        const reaching = commandsOn(text, target.schema, target.name, undefined, true) ?? [];
        add(rule.relation, {
          to: ref,
          label: `rule ${rule.name}`,
          carry: (commands) => (commands.includes(rule.event) ? made : []),
          checkedAs: on.owner,
          reachingChildren: made.every((c) => reaching.includes(c)),
        });
      }
    }
    this.sources = relations.filter((r) => this.steps.has(r.oid));
  }

  /** The events the view's automatic update takes: those PostgreSQL accepts that no INSTEAD rule or INSTEAD OF trigger takes. */
  automaticEvents(view: Pick<PgRelation, "oid" | "updatable">): string[] {
    const taken = this.taken.get(view.oid);
    return view.updatable.filter((e) => WRITES.has(e) && !taken?.has(e));
  }

  /**
   * The commands a statement really performs on the relation: an unconditional INSTEAD rule's
   * event never happens there (its triggers, defaults and policies do not run: found live by a
   * review), though the rule's actions do.
   */
  performed(relation: number, commands: readonly string[]): string[] {
    const taken = this.insteadRules.get(relation);
    return taken ? commands.filter((c) => !taken.has(c)) : [...commands];
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
        const checkedAs = step.checkedAs ?? at.checkedAs;
        // Once per relation, command, role checked and reach of children: another role's policies may apply there.
        const key = (c: string) => `${step.to}:${c}:${checkedAs}:${step.reachingChildren}`;
        const fresh = step.carry(at.commands).filter((c) => !seen.has(key(c)));
        if (fresh.length === 0) continue;
        for (const c of fresh) seen.add(key(c));
        // What is issued there goes on (a rule's actions run for it); what happens there is reported.
        const issued = COMMAND_ORDER.filter((c) => fresh.includes(c));
        const hops = `${at.hops}-(${step.label})-> `;
        const happens = this.performed(step.to, issued);
        if (happens.length > 0)
          found.push({
            relation: step.to,
            commands: happens,
            hops,
            ...(checkedAs === undefined ? {} : { checkedAs }),
            reachingChildren: step.reachingChildren,
          });
        queue.push({ relation: step.to, commands: issued, hops: `${hops}${this.names.get(step.to) ?? `relation ${step.to}`} `, checkedAs });
      }
    }
    this.memo.set(key, found);
    return found;
  }
}
