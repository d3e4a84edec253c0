/**
 * The MySQL access model over many triggers: N tables, each with a trigger defined by one
 * migrator (a tenth of them write the queue, the rest a log table), N DEFINER views, and N
 * login accounts each allowed to insert into one table. The model's time at 250, 500 and 1,000
 * of each, and the slope of log(time) over log(N): every trigger body and view text is read once
 * (the first version matched one pattern per table asked about, per text: minutes at 1,000).
 *
 *   npx tsx bench/mysql-triggers.ts
 */
import { pathToFileURL } from "node:url";
import { computeMysqlAccess } from "../lib/audit/checks/mysql/access/model.js";
import type { MysqlAccount, MysqlCatalog } from "../lib/audit/probes/mysql/types.js";

const account = (user: string, over: Partial<MysqlAccount> = {}): MysqlAccount => ({
  user,
  host: "%",
  isRole: false,
  plugin: "caching_sha2_password",
  hasCredential: true,
  locked: false,
  passwordExpired: false,
  sslType: "ANY",
  global: [],
  defaultRoles: [],
  ...over,
});

function catalogWith(n: number): MysqlCatalog {
  const migrator = { user: "migrator", host: "%" };
  const catalog: MysqlCatalog = {
    flavor: "mariadb",
    version: "10.11.9-MariaDB",
    currentUser: { user: "queue_auditor", host: "%" },
    requireSecureTransport: true,
    mandatoryRoles: [],
    activateAllRolesOnLogin: false,
    accounts: [account("queue_auditor", { global: ["TRIGGER"] }), account("migrator", { locked: true })],
    dbGrants: [{ ...migrator, db: "app", privileges: ["SELECT", "INSERT", "UPDATE", "DELETE", "TRIGGER", "EXECUTE"] }],
    tableGrants: [],
    columnGrants: [],
    routineGrants: [],
    roleEdges: [],
    proxies: [],
    definerObjects: [],
    foreignKeys: [],
    triggers: [],
    tables: [{ db: "app", table: "delayed_jobs", found: true }],
  };
  for (let i = 0; i < n; i++) {
    catalog.accounts.push(account(`clerk_${i}`));
    catalog.tableGrants.push({ user: `clerk_${i}`, host: "%", db: "app", table: `t_${i}`, privileges: ["INSERT"] });
    const body = i % 10 === 0 ? "DELETE FROM delayed_jobs WHERE id = NEW.v" : `INSERT INTO log_${i} VALUES (NEW.v)`;
    catalog.triggers?.push({ db: "app", table: `t_${i}`, name: `t_${i}_ai`, event: "INSERT", definer: migrator, body });
    catalog.definerObjects.push({
      kind: "view",
      db: "app",
      name: `v_${i}`,
      securityType: "DEFINER",
      definer: migrator,
      definition: `select v from app.t_${i}`,
    });
  }
  return catalog;
}

export interface TriggersBench {
  points: { n: number; ms: number; principals: number }[];
}

/** The best of three runs at each size (a fresh catalog each time: nothing carried over). */
export function benchMysqlTriggers(sizes = [250, 500, 1000]): TriggersBench {
  const points = sizes.map((n) => {
    let best = Number.POSITIVE_INFINITY;
    let principals = 0;
    for (let run = 0; run < 3; run++) {
      const catalog = catalogWith(n);
      const start = performance.now();
      const access = computeMysqlAccess(catalog, [{ db: "app", table: "delayed_jobs" }]);
      best = Math.min(best, performance.now() - start);
      principals = access.get("app.delayed_jobs")?.principals.length ?? 0;
    }
    return { n, ms: best, principals };
  });
  return { points };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const p of benchMysqlTriggers().points)
    console.log(`${p.n} triggers and views: ${Math.round(p.ms)} ms, ${p.principals} accounts reach the queue`);
}
