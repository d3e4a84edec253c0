/**
 * The PostgreSQL access model over a partitioned queue: one configured table with N
 * partitions, 40 login roles, each with SELECT and UPDATE on the queue and INSERT on one
 * partition. The model's time at 125, 250 and 500 partitions, and the slope of log(time)
 * over log(partitions): each partition's routes must be worked out once per role, not
 * once per sibling (that was quadratic and worse: 191 s at 500 partitions before).
 *
 *   npx tsx bench/pg-partitions.ts
 */
import { pathToFileURL } from "node:url";
import { computeEffectiveAccess } from "../lib/audit/checks/postgres/access/object-access.js";
import type { PgAclItem, PgCatalog, PgRelation, PgRole, PgSchema } from "../lib/audit/probes/postgres/types.js";

const QUEUE = 1;
const OWNER = 10;
const ROLES = 40;

function catalogWith(partitions: number): PgCatalog {
  const grant = (grantee: number, ...privileges: string[]): PgAclItem[] =>
    privileges.map((privilege) => ({ grantee, grantor: OWNER, privilege, grantable: false }));
  const roleOid = (i: number) => 1000 + i;
  const roles: PgRole[] = [
    { oid: OWNER, name: "owner", login: true, superuser: false, inherit: true, bypassrls: false },
    ...Array.from({ length: ROLES }, (_, i) => ({
      oid: roleOid(i),
      name: `worker_${i}`,
      login: true,
      superuser: false,
      inherit: true,
      bypassrls: false,
    })),
  ];
  const queueAcl = [
    ...grant(OWNER, "SELECT", "INSERT", "UPDATE", "DELETE"),
    ...roles.slice(1).flatMap((r) => grant(r.oid, "SELECT", "UPDATE")),
  ];
  const relation = (oid: number, name: string, extra: Partial<PgRelation>): PgRelation => ({
    oid,
    schema: "public",
    name,
    relkind: "r",
    owner: OWNER,
    acl: [],
    securityInvoker: false,
    updatable: [],
    reads: [],
    ...extra,
  });
  const relations: PgRelation[] = [
    relation(QUEUE, "delayed_jobs", { relkind: "p", acl: queueAcl }),
    ...Array.from({ length: partitions }, (_, i) =>
      relation(100 + i, `dj_${i}`, { parents: [QUEUE], acl: i < ROLES ? grant(roleOid(i), "INSERT") : [] }),
    ),
  ];
  const schema: PgSchema = { name: "public", found: true, oid: 2200, owner: OWNER, acl: [] };
  return {
    serverVersionNum: 160000,
    database: "app",
    currentUser: "auditor",
    roles,
    memberships: [],
    tables: [
      {
        schema: "public",
        name: "delayed_jobs",
        found: true,
        oid: QUEUE,
        owner: OWNER,
        relkind: "p",
        acl: queueAcl,
        columnAcls: [],
        sequences: [],
      },
    ],
    schemas: [schema],
    namespaces: [schema],
    defaultAcls: [],
    databaseOwner: OWNER,
    relations,
    rules: [],
    functions: [],
    triggers: [],
  };
}

export interface PartitionsBench {
  points: { partitions: number; ms: number }[];
  /** Privileges the model gives the first worker (a check that it did the work). */
  firstWorker: string[];
}

/** The model's time over queues of 125, 250 and 500 partitions (the best of 3 runs each). */
export function benchPgPartitions(): PartitionsBench {
  const points: PartitionsBench["points"] = [];
  let firstWorker: string[] = [];
  for (const partitions of [125, 250, 500]) {
    const catalog = catalogWith(partitions);
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      const access = computeEffectiveAccess(catalog);
      best = Math.min(best, performance.now() - started);
      firstWorker = access.get("public.delayed_jobs")?.table.principals.find((p) => p.role === "worker_0")?.privileges ?? [];
    }
    points.push({ partitions, ms: best });
  }
  return { points, firstWorker };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = benchPgPartitions();
  for (const p of r.points) console.log(`${p.partitions} partitions: ${Math.round(p.ms)} ms`);
  console.log(`worker_0: ${r.firstWorker.join(", ")}`);
}
