/**
 * The mysql-* checks against a real MariaDB with every route the issue names: each is proven
 * by logging in as the account and doing it, each look-alike control by failing to, and the
 * verdicts must say exactly that.
 */
import { readFileSync } from "node:fs";
import net from "node:net";
import type mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import type { MysqlObservation } from "../../../../lib/audit/probes/mysql/types.js";
import { connectAs, localMariadbUnavailable } from "../../../support/mariadb.js";
import { auditMariadb, createMariadbFixture, docsAuditorSql, type MariadbFixture } from "../../../support/mariadbFixture.js";
import { skipWithout } from "../../../support/services.js";

const skip = skipWithout("MariaDB (127.0.0.1:3306)", await localMariadbUnavailable());
const docs = readFileSync(new URL("../../../../docs/mysql.md", import.meta.url), "utf8");

describe.skipIf(skip)("mysql-* checks on a messy MariaDB", () => {
  let fx: MariadbFixture;
  let observation: MysqlObservation;
  let results: CheckResult[];
  const failing = (checkId: string) =>
    results
      .filter((r) => r.checkId === checkId && r.status === "FAIL")
      .map((r) => r.subject ?? "")
      .filter((s) => s.startsWith(fx.name("")) || s.startsWith("@") || s === "require_secure_transport")
      .sort();
  const find = (checkId: string, subject: string) => results.find((r) => r.checkId === checkId && r.subject === subject);
  const acct = (n: string, host = "127.0.0.1") => `${fx.name(n)}@${host}`;

  beforeAll(async () => {
    fx = await createMariadbFixture(docsAuditorSql(docs, "mariadb"), { anonymous: true });
    ({ observation, results } = await auditMariadb(fx.target(), fx.auditor.password));
  }, 60_000);
  afterAll(async () => fx?.drop());

  it("observes the server as the least-privilege audit account", () => {
    expect(observation.error).toBeUndefined();
    expect(observation.catalog?.flavor).toBe("mariadb");
    expect(observation.catalog?.currentUser).toEqual({ user: fx.auditor.user, host: "127.0.0.1" });
  });

  it("reports exactly the accounts outside the policy that can use the queue", () => {
    expect(failing("mysql-unexpected-principal")).toEqual(
      [
        "@127.0.0.2",
        acct("bob"),
        acct("carol"),
        acct("dan"),
        acct("erin"),
        acct("frank"),
        acct("hank"),
        acct("intern", "%"),
        acct("judy"),
        acct("nina"),
      ].sort(),
    );
  });

  it("names each path, and flags write access to the handler as code execution", () => {
    const intern = find("mysql-unexpected-principal", acct("intern", "%"));
    expect(intern?.evidence.paths).toContain(`${acct("intern", "%")} -(role ${fx.name("queue_rw")})-> ALL on ${fx.db}.*`);
    expect(intern?.message).toMatch(/code execution on the workers/);
    expect(find("mysql-unexpected-principal", acct("bob"))?.evidence.paths).toEqual([
      `${acct("bob")} -(role ${fx.name("ops")}, SET ROLE)-> -(role ${fx.name("rw_inner")})-> UPDATE on ${fx.db}.delayed_jobs`,
    ]);
    expect(find("mysql-unexpected-principal", acct("carol"))?.evidence.paths).toEqual([
      `${acct("carol")} -(PROXY ${acct("worker")})-> SELECT, INSERT, UPDATE, DELETE on ${fx.db}.delayed_jobs`,
    ]);
    expect(find("mysql-unexpected-principal", acct("hank"))?.evidence.paths).toEqual([
      expect.stringMatching(new RegExp(`EXECUTE procedure ${fx.db}.purge_jobs, definer ${acct("migrator")}\\)-> DELETE on`)),
    ]);
    expect(find("mysql-unexpected-principal", acct("judy"))?.evidence.paths).toEqual([
      expect.stringMatching(/SELECT on view .*jobs_v, definer .*definition not visible: assumed to reach\)-> SELECT on/),
    ]);
    expect(find("mysql-unexpected-principal", acct("erin"))?.message).toMatch(/handler is code execution/);
    expect(find("mysql-unexpected-principal", acct("nina"))?.message).not.toMatch(/code execution/);
    expect(find("mysql-unexpected-principal", acct("dan"))?.evidence.privileges).toEqual(["SELECT", "GRANT OPTION"]);
  });

  it("builds each fix from the finding's own path, quoted by MySQL's rules", () => {
    expect(find("mysql-unexpected-principal", acct("intern", "%"))?.fix?.commands).toEqual([
      `REVOKE '${fx.name("queue_rw")}' FROM '${fx.name("intern")}'@'%';`,
    ]);
    expect(find("mysql-unexpected-principal", acct("erin"))?.fix?.commands).toEqual([
      `REVOKE UPDATE (\`handler\`) ON \`${fx.db}\`.\`delayed_jobs\` FROM '${fx.name("erin")}'@'127.0.0.1';`,
    ]);
    // The pattern also covers the DEFINER view in that database: both routes, cut by the one
    // revoke (a REVOKE on the view itself would fail: there is no grant on it, ERROR 1147).
    expect(find("mysql-unexpected-principal", acct("frank"))?.fix?.commands).toEqual([
      `REVOKE SELECT ON \`${fx.name("ap_")}\`.* FROM '${fx.name("frank")}'@'127.0.0.1';`,
    ]);
    expect(find("mysql-excess-privilege", acct("web"))?.fix?.commands).toEqual([
      `REVOKE DELETE ON \`${fx.db}\`.\`delayed_jobs\` FROM '${fx.name("web")}'@'127.0.0.1';`,
    ]);
  });

  it("judges the policy's own accounts", () => {
    expect(failing("mysql-excess-privilege")).toEqual([acct("web")]);
    expect(failing("mysql-missing-privilege")).toEqual([acct("ghost")]);
    expect(failing("mysql-wildcard-account")).toEqual(["@127.0.0.2", acct("intern", "%")]);
    expect(find("mysql-wildcard-account", "@127.0.0.2")?.evidence.shadows).toEqual([acct("admin", "%")]);
    expect(failing("mysql-account-without-password")).toEqual(["@127.0.0.2", acct("nopass")]);
    expect(failing("mysql-superuser-accounts")).toEqual([acct("root")]);
    expect(results.find((r) => r.checkId === "mysql-auditor-overprivileged")?.status).toBe("PASS");
  });

  it("fails TLS on the server and on each queue account that does not require it, not on the one that does", () => {
    const tls = failing("mysql-tls-not-required");
    expect(tls).toContain("require_secure_transport");
    expect(tls).toEqual(
      expect.arrayContaining([acct("worker"), acct("web"), acct("intern", "%"), acct("ghost")].filter((a) => a !== acct("ghost"))),
    );
    expect(tls).not.toContain(acct("tlsonly"));
    expect(tls).not.toContain(acct("rita"));
  });

  describe("proof: every reported route works, every control does not", () => {
    const count = async (c: mysql.Connection, sql: string) => {
      const [rows] = await c.query(sql);
      return (rows as unknown[]).length;
    };
    const t = () => `\`${fx.db}\`.delayed_jobs`;

    it("intern@% writes the handler through its default role", async () => {
      const c = await connectAs(fx.name("intern"), fx.passwords[acct("intern", "%")] ?? "");
      try {
        const [updated] = await c.query<mysql.ResultSetHeader>(`UPDATE ${t()} SET handler = CONCAT(handler, ' ') WHERE id = 1`);
        expect(updated.affectedRows).toBe(1);
      } finally {
        await c.end();
      }
    });

    it("bob writes only after SET ROLE, through the nested role", async () => {
      const c = await connectAs(fx.name("bob"), fx.passwords[acct("bob")] ?? "");
      try {
        await expect(c.query(`UPDATE ${t()} SET priority = 1`)).rejects.toThrow(/denied/);
        await c.query(`SET ROLE ${fx.name("ops")}`);
        await c.query(`UPDATE ${t()} SET priority = 1`);
      } finally {
        await c.end();
      }
    });

    it("rita's role holds nothing on the queue", async () => {
      const c = await connectAs(fx.name("rita"), fx.passwords[acct("rita")] ?? "");
      try {
        await c.query(`SET ROLE ${fx.name("reports")}`);
        await expect(c.query(`SELECT * FROM ${t()}`)).rejects.toThrow(/denied/);
      } finally {
        await c.end();
      }
      expect(find("mysql-unexpected-principal", acct("rita"))).toBeUndefined();
    });

    it("dan passes his SELECT on to an account he controls (GRANT OPTION)", async () => {
      const c = await connectAs(fx.name("dan"), fx.passwords[acct("dan")] ?? "");
      try {
        await c.query(`GRANT SELECT ON ${t()} TO '${fx.name("dan_friend")}'@'127.0.0.1'`);
      } finally {
        await c.end();
      }
      const f = await connectAs(fx.name("dan_friend"), fx.passwords[acct("dan_friend")] ?? "");
      try {
        expect(await count(f, `SELECT * FROM ${t()}`)).toBeGreaterThan(0);
      } finally {
        await f.end();
      }
    });

    it("erin rewrites the handler through a column grant; nina only the priority", async () => {
      const e = await connectAs(fx.name("erin"), fx.passwords[acct("erin")] ?? "");
      const n = await connectAs(fx.name("nina"), fx.passwords[acct("nina")] ?? "");
      try {
        await e.query(`UPDATE ${t()} SET handler = '--- !ruby/object:Evil {}'`);
        await n.query(`UPDATE ${t()} SET priority = 5`);
        await expect(n.query(`UPDATE ${t()} SET handler = 'x'`)).rejects.toThrow(/denied/);
      } finally {
        await e.end();
        await n.end();
      }
    });

    it("frank reads through the '_' database pattern; gina's escaped pattern gives nothing", async () => {
      const f = await connectAs(fx.name("frank"), fx.passwords[acct("frank")] ?? "");
      const g = await connectAs(fx.name("gina"), fx.passwords[acct("gina")] ?? "");
      try {
        expect(await count(f, `SELECT * FROM ${t()}`)).toBeGreaterThan(0);
        await expect(g.query(`SELECT * FROM ${t()}`)).rejects.toThrow(/denied/);
      } finally {
        await f.end();
        await g.end();
      }
      expect(find("mysql-unexpected-principal", acct("gina"))).toBeUndefined();
    });

    it("judy reads the jobs through the DEFINER view; kim's INVOKER view is refused", async () => {
      const j = await connectAs(fx.name("judy"), fx.passwords[acct("judy")] ?? "");
      const k = await connectAs(fx.name("kim"), fx.passwords[acct("kim")] ?? "");
      try {
        expect(await count(j, `SELECT * FROM \`${fx.db}\`.jobs_v`)).toBeGreaterThan(0);
        await expect(k.query(`SELECT * FROM \`${fx.db}\`.jobs_iv`)).rejects.toThrow(/denied|lack/i);
      } finally {
        await j.end();
        await k.end();
      }
      expect(find("mysql-unexpected-principal", acct("kim"))).toBeUndefined();
    });

    it("ivan's INVOKER routine is refused", async () => {
      const i = await connectAs(fx.name("ivan"), fx.passwords[acct("ivan")] ?? "");
      try {
        await expect(i.query(`CALL \`${fx.db}\`.count_jobs()`)).rejects.toThrow(/denied/);
      } finally {
        await i.end();
      }
      expect(find("mysql-unexpected-principal", acct("ivan"))).toBeUndefined();
    });

    it("anyone from 127.0.0.2 reads the jobs as the anonymous account, even naming the admin", async () => {
      // mysql2 has no source-address option: hand it a socket bound to 127.0.0.2.
      const from2 = () => net.connect({ host: "127.0.0.1", port: 3306, localAddress: "127.0.0.2" });
      const c = await connectAs("nobody-at-all", "", { stream: from2() });
      const a = await connectAs(fx.name("admin"), "", { stream: from2() });
      try {
        expect(await count(c, `SELECT * FROM ${t()}`)).toBeGreaterThan(0);
        const [rows] = await a.query("SELECT CURRENT_USER() AS u");
        expect((rows as { u: string }[])[0]?.u).toBe("@127.0.0.2");
      } finally {
        await c.end();
        await a.end();
      }
    });

    it("nopass logs in with no password; the locked one cannot", async () => {
      const c = await connectAs(fx.name("nopass"), "");
      await c.end();
      await expect(connectAs(fx.name("locked"), "")).rejects.toThrow(/locked/i);
    });

    it("the superuser-like account creates accounts", async () => {
      const c = await connectAs(fx.name("root"), fx.passwords[acct("root")] ?? "");
      try {
        await c.query(`CREATE USER '${fx.name("made_by_root")}'@'127.0.0.1'`);
      } finally {
        await c.end();
      }
      // The account it made exists: it logs in.
      const made = await connectAs(fx.name("made_by_root"));
      try {
        const [rows] = await made.query<mysql.RowDataPacket[]>("SELECT CURRENT_USER() AS who");
        expect(rows[0]?.who).toBe(`${fx.name("made_by_root")}@127.0.0.1`);
      } finally {
        await made.end();
      }
    });

    it("the account that requires TLS cannot log in over plaintext", async () => {
      await expect(connectAs(fx.name("tlsonly"), fx.passwords[acct("tlsonly")] ?? "")).rejects.toThrow(/denied/i);
    });

    it("hank deletes jobs through the DEFINER procedure (last: it empties the queue)", async () => {
      const h = await connectAs(fx.name("hank"), fx.passwords[acct("hank")] ?? "");
      try {
        await expect(h.query(`DELETE FROM ${t()}`)).rejects.toThrow(/denied/);
        await h.query(`CALL \`${fx.db}\`.purge_jobs()`);
      } finally {
        await h.end();
      }
      const w = await connectAs(fx.name("worker"), fx.passwords[acct("worker")] ?? "");
      try {
        expect(await count(w, `SELECT * FROM ${t()}`)).toBe(0);
      } finally {
        await w.end();
      }
    });
  });
});
