/**
 * An in-memory PostgreSQL catalog of bench size (bench/pg-roles500.ts): 500 roles in 100
 * membership chains 5 deep, 200 tables with a serial sequence and a column grant, 200 views
 * granted to chain roles, 1,000 functions, plus every other kind of route at scale (PUBLIC
 * and granted definer functions, rules, definer triggers, trigger functions owned by other
 * roles, ADMIN OPTION and CREATEROLE escalations, a replication role, schema owners). Built
 * deterministically, so a digest of what the checks say about it pins the model's verdicts.
 */
import type { PostgresTarget } from "../../lib/audit/config/schema.js";
import type {
  PgAclItem,
  PgCatalog,
  PgFunction,
  PgRelation,
  PgRole,
  PgRule,
  PgTable,
  PgTrigger,
} from "../../lib/audit/probes/postgres/types.js";
import { config } from "./builders.js";

const CHAINS = 100;
const DEPTH = 5;
const TABLES = 200;
const VIEWS = 200;
const INVOKERS = 800;
const PINNED = 190;
const UNPINNED = 10;

const item = (grantee: number, privilege: string, grantor = 10): PgAclItem => ({ grantee, grantor, privilege, grantable: false });

export interface LargeCatalog {
  catalog: PgCatalog;
  target: PostgresTarget;
}

export function largePgCatalog(): LargeCatalog {
  const roles: PgRole[] = [];
  const memberships: PgCatalog["memberships"] = [];
  const roleOid = (chain: number, level: number) => 1000 + chain * DEPTH + level;
  const name = (chain: number, level: number) => `c${chain}_l${level}`;
  roles.push({
    oid: 10,
    name: "postgres",
    login: true,
    superuser: true,
    inherit: true,
    bypassrls: true,
    createrole: true,
    replication: true,
  });
  roles.push({ oid: 6171, name: "pg_database_owner", login: false, superuser: false, inherit: true, bypassrls: false });
  roles.push({ oid: 6181, name: "pg_read_all_data", login: false, superuser: false, inherit: true, bypassrls: false });
  roles.push({ oid: 6182, name: "pg_write_all_data", login: false, superuser: false, inherit: true, bypassrls: false });
  roles.push({ oid: 9000, name: "queue_auditor", login: true, superuser: false, inherit: false, bypassrls: false });
  for (let c = 0; c < CHAINS; c++) {
    for (let l = 0; l < DEPTH; l++) {
      roles.push({
        oid: roleOid(c, l),
        name: name(c, l),
        login: l === 0,
        superuser: false,
        inherit: !(c % 10 === 0 && l === 0),
        bypassrls: c % 17 === 0,
        createrole: c === 42 && l === 2,
        replication: c === 43 && l === 1,
      });
      if (l > 0)
        memberships.push({ member: roleOid(c, l - 1), role: roleOid(c, l), admin: c % 13 === 0, inherit: c % 10 !== 0, set: true });
    }
  }
  // Cross-chain grants: every 7th chain's head joins the next chain's middle (WITH ADMIN OPTION every 21st).
  for (let c = 0; c < CHAINS; c += 7)
    memberships.push({ member: roleOid(c, 0), role: roleOid((c + 1) % CHAINS, 2), admin: c % 21 === 0, inherit: true, set: true });
  memberships.push({ member: roleOid(50, 0), role: 6181, admin: false, inherit: true, set: true });
  memberships.push({ member: roleOid(51, 1), role: 6182, admin: false, inherit: true, set: true });
  const owner = roleOid(0, DEPTH - 1);
  const tables: PgTable[] = [];
  const relations: PgRelation[] = [];
  let nextOid = 20000;
  const tableOid = (t: number) => 10000 + t;
  for (let t = 0; t < TABLES; t++) {
    const acl = [item(owner, "SELECT", owner), item(owner, "INSERT", owner), item(owner, "UPDATE", owner), item(owner, "DELETE", owner)];
    acl.push(item(roleOid(t % CHAINS, DEPTH - 1), "SELECT", owner), item(roleOid(t % CHAINS, DEPTH - 1), "UPDATE", owner));
    if (t % 50 === 0) acl.push(item(0, "SELECT", owner));
    tables.push({
      schema: t % 40 === 0 ? "jobs" : "public",
      name: `jobs_${t}`,
      found: true,
      oid: tableOid(t),
      owner,
      relkind: "r",
      acl,
      columnAcls: [{ column: "run_at", acl: [item(roleOid((t + 1) % CHAINS, DEPTH - 2), "UPDATE", owner)] }],
      sequences: [
        {
          oid: 15000 + t,
          schema: "public",
          name: `jobs_${t}_id_seq`,
          owner,
          column: "id",
          acl: [
            item(owner, "USAGE", owner),
            item(owner, "SELECT", owner),
            item(owner, "UPDATE", owner),
            item(roleOid(t % CHAINS, 1), "USAGE", owner),
          ],
        },
      ],
      columns: ["id", "handler", "run_at"],
      rowSecurity: t % 33 === 0,
    });
    relations.push({
      oid: tableOid(t),
      schema: tables[t]?.schema ?? "public",
      name: `jobs_${t}`,
      relkind: "r",
      owner,
      acl,
      securityInvoker: false,
      updatable: [],
      reads: [],
    });
  }
  for (let v = 0; v < VIEWS; v++) {
    const viewOwner = v % 9 === 0 ? roleOid((v + 5) % CHAINS, DEPTH - 1) : owner;
    relations.push({
      oid: nextOid++,
      schema: "public",
      name: `jobs_report_${v}`,
      relkind: v % 25 === 0 ? "m" : "v",
      owner: viewOwner,
      acl: [
        item(viewOwner, "SELECT", viewOwner),
        item(roleOid((v + 2) % CHAINS, DEPTH - 1), "SELECT", viewOwner),
        ...(v % 11 === 0 ? [item(roleOid((v + 4) % CHAINS, 1), "UPDATE", viewOwner)] : []),
      ],
      securityInvoker: v % 15 === 0,
      updatable: v % 11 === 0 ? ["INSERT", "UPDATE", "DELETE"] : [],
      reads: [tableOid(v % TABLES)],
    });
  }
  // Views over views: 20 summaries over the first 20 reports.
  for (let v = 0; v < 20; v++) {
    relations.push({
      oid: nextOid++,
      schema: "public",
      name: `jobs_summary_${v}`,
      relkind: "v",
      owner: roleOid((v + 30) % CHAINS, DEPTH - 1),
      acl: [item(0, "SELECT")],
      securityInvoker: false,
      updatable: [],
      reads: [20000 + v],
    });
  }
  // Tables with rules and definer triggers writing the queue tables.
  const rules: PgRule[] = [];
  const triggers: PgTrigger[] = [];
  const functions: PgFunction[] = [];
  const fn = (f: Partial<PgFunction> & Pick<PgFunction, "name" | "owner" | "securityDefiner" | "body">): PgFunction => ({
    oid: nextOid++,
    schema: "public",
    args: "",
    kind: "f",
    acl: [item(0, "EXECUTE", f.owner), item(f.owner, "EXECUTE", f.owner)],
    config: [],
    language: "plpgsql",
    sqlStandardBody: false,
    references: [],
    ...f,
  });
  for (let r = 0; r < 20; r++) {
    const relOid = nextOid++;
    const relOwner = r % 2 === 0 ? owner : roleOid((r + 60) % CHAINS, DEPTH - 1);
    relations.push({
      oid: relOid,
      schema: "public",
      name: `job_requests_${r}`,
      relkind: "r",
      owner: relOwner,
      acl: [
        item(relOwner, "INSERT", relOwner),
        item(roleOid((r + 70) % CHAINS, 2), "INSERT", relOwner),
        ...(r % 5 === 0 ? [item(0, "DELETE", relOwner)] : []),
      ],
      securityInvoker: false,
      updatable: [],
      reads: [],
    });
    rules.push({
      oid: nextOid++,
      name: `enqueue_${r}`,
      relation: relOid,
      event: r % 5 === 0 ? "DELETE" : "INSERT",
      instead: r % 3 === 0,
      references: [tableOid(r * 3)],
      definition: `CREATE RULE enqueue_${r} AS ON INSERT TO public.job_requests_${r} DO ALSO INSERT INTO public.jobs_${r * 3} (handler) VALUES (new.handler)`,
    });
    const trig = fn({
      name: `audit_${r}`,
      owner: r % 4 === 0 ? roleOid(r + 80, DEPTH - 1) : owner,
      securityDefiner: true,
      trigger: true,
      body: `BEGIN DELETE FROM jobs_${r * 3 + 1} WHERE id = OLD.id; RETURN NEW; END`,
      // Half pin their search_path (a definer trigger does what its body says); the others
      // run with the writer's path, so whoever fires them may act as their owner.
      config: r % 2 === 1 ? ["search_path=pg_catalog, pg_temp"] : [],
    });
    functions.push(trig);
    triggers.push({
      name: `audit_${r}`,
      relation: relOid,
      function: trig.oid,
      events: ["INSERT", "UPDATE"],
      timing: "AFTER",
      enabled: r % 6 !== 5,
    });
  }
  // Trigger functions on the queue tables, some owned by other roles.
  for (let t = 0; t < TABLES; t += 10) {
    const trig = fn({
      name: `touch_${t}`,
      owner: t % 20 === 0 ? roleOid((t + 7) % CHAINS, 3) : owner,
      securityDefiner: false,
      trigger: true,
      body: "BEGIN NEW.run_at := now(); RETURN NEW; END",
    });
    functions.push(trig);
    triggers.push({
      name: `touch_${t}`,
      relation: tableOid(t),
      function: trig.oid,
      events: ["INSERT", "UPDATE"],
      timing: "BEFORE",
      enabled: true,
    });
  }
  for (let f = 0; f < INVOKERS; f++)
    functions.push(fn({ name: `helper_${f}`, owner, securityDefiner: false, language: "sql", body: `SELECT x + ${f}`, args: "x integer" }));
  for (let f = 0; f < PINNED; f++) {
    const definer = fn({
      name: `requeue_${f}`,
      owner: f % 19 === 0 ? roleOid((f + 11) % CHAINS, DEPTH - 1) : owner,
      securityDefiner: true,
      args: "job bigint",
      config: ["search_path=pg_catalog, pg_temp"],
      body:
        f % 4 === 0
          ? `BEGIN DELETE FROM public.jobs_${f % TABLES} WHERE id = job; END`
          : `BEGIN UPDATE public.jobs_${f % TABLES} SET run_at = now() WHERE id = job; END`,
    });
    definer.acl = [
      item(definer.owner, "EXECUTE", definer.owner),
      item(roleOid((f + 3) % CHAINS, DEPTH - 1), "EXECUTE", definer.owner),
      ...(f % 23 === 0 ? [item(0, "EXECUTE", definer.owner)] : []),
    ];
    functions.push(definer);
  }
  for (let f = 0; f < UNPINNED; f++) {
    functions.push(
      fn({
        name: `stats_${f}`,
        owner: f === 9 ? roleOid(9, DEPTH - 1) : owner,
        securityDefiner: true,
        language: "sql",
        body: `SELECT count(*) FROM public.jobs_${f}`,
      }),
    );
  }
  const publicSchema = {
    name: "public",
    found: true,
    oid: 2200,
    owner: 6171,
    acl: [item(6171, "USAGE", 6171), item(6171, "CREATE", 6171), item(0, "USAGE", 6171)],
  };
  const jobsSchema = {
    name: "jobs",
    found: true,
    oid: 2300,
    owner: roleOid(3, DEPTH - 1),
    acl: [item(roleOid(3, DEPTH - 1), "USAGE"), item(0, "USAGE")],
  };
  const catalog: PgCatalog = {
    serverVersionNum: 150020,
    database: "app",
    currentUser: "queue_auditor",
    roles,
    memberships,
    tables,
    schemas: [publicSchema, jobsSchema],
    defaultAcls: [],
    databaseOwner: roleOid(2, 0),
    namespaces: [publicSchema, jobsSchema],
    relations,
    rules,
    functions,
    triggers,
  };
  const cfg = config({
    postgres: [
      {
        name: "large",
        connection: { host: "db.example", database: "app", user: "queue_auditor", password: { iam: true } },
        tables: tables.map((t) => `${t.schema}.${t.name}`),
        owner: name(0, DEPTH - 1),
        admins: ["postgres"],
        principals: {
          [name(1, 0)]: ["SELECT"],
          [name(4, 4)]: ["SELECT", "UPDATE"],
          [name(2, 0)]: ["SELECT", "INSERT", "UPDATE", "DELETE"],
        },
      },
    ],
  });
  const target = cfg.postgres[0];
  if (!target) throw new Error("the large catalog's config has no target");
  return { catalog, target };
}
