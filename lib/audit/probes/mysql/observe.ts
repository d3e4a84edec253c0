/**
 * Reads a MysqlCatalog through an open connection: a read-only session, one read-only
 * transaction, a fixed list of statements per flavor, and normalisation of MySQL 8's and
 * MariaDB's grant tables into one shape.
 */
import { MARIADB_ACCESS_BITS } from "./privileges.js";
import {
  ACCOUNTS_SQL,
  BEGIN_SQL,
  COLUMN_GRANTS_SQL,
  DB_GRANTS_SQL,
  DB_PRIV_COLUMNS,
  DEFAULT_ROLES_SQL,
  DEFINER_OBJECTS_SQL,
  END_SQL,
  EVENTS_SQL,
  FOREIGN_KEYS_SQL,
  GLOBAL_GRANTS_SQL,
  IDENTITY_SQL,
  MYSQL_USER_PRIV_COLUMNS,
  PROXIES_SQL,
  READ_ONLY_SQL,
  ROLE_EDGES_SQL,
  ROUTINE_GRANTS_SQL,
  SERVER_SQL,
  TABLE_GRANTS_SQL,
  TABLES_SQL,
  TIMEOUT_SQL,
  TRIGGERS_SQL,
} from "./queries.js";
import type {
  MysqlAccount,
  MysqlAccountRef,
  MysqlCatalog,
  MysqlDefinerObject,
  MysqlEvent,
  MysqlFlavor,
  MysqlForeignKey,
  MysqlQueueTableFact,
  MysqlTrigger,
} from "./types.js";

type Row = Record<string, unknown>;

/** The part of a mysql2 connection the observation uses, so tests and benchmarks can count statements. */
export interface MysqlQueryable {
  query(sql: string, values?: unknown[]): Promise<Row[]>;
}

const text = (v: unknown): string => (v === null || v === undefined ? "" : Buffer.isBuffer(v) ? v.toString("utf8") : String(v));
const truthy = (v: unknown): boolean => v === true || v === 1 || v === "1" || v === 1n;
const on = (v: unknown): boolean => truthy(v) || /^(on|true|yes)$/i.test(text(v));

/** `user@host` as information_schema and CURRENT_USER() print it (split at the last '@'). */
export function splitDefiner(value: string): MysqlAccountRef {
  const at = value.lastIndexOf("@");
  return at < 0 ? { user: value, host: "" } : { user: value.slice(0, at), host: value.slice(at + 1) };
}

/** `Select_priv` -> SELECT, `Grant_priv` -> GRANT OPTION, `Show_db_priv` -> SHOW DATABASES … */
const COLUMN_NAMES: Record<string, string> = {
  Grant_priv: "GRANT OPTION",
  Show_db_priv: "SHOW DATABASES",
  Create_tmp_table_priv: "CREATE TEMPORARY TABLES",
  Repl_slave_priv: "REPLICATION SLAVE",
  Repl_client_priv: "REPLICATION CLIENT",
};
export function privilegeOfColumn(column: string): string {
  return (
    COLUMN_NAMES[column] ??
    column
      .replace(/_priv$/, "")
      .replaceAll("_", " ")
      .toUpperCase()
  );
}

function flags(row: Row, columns: readonly string[]): string[] {
  return columns.filter((c) => text(row[c]) === "Y").map(privilegeOfColumn);
}

/** A SET column such as `Select,Insert,Grant` or `Delete versioning rows` (MariaDB's DELETE HISTORY). */
export function privilegeSet(value: unknown): string[] {
  return text(value)
    .split(",")
    .filter((p) => p !== "")
    .map((p) => {
      const upper = p.trim().toUpperCase();
      if (upper === "GRANT") return "GRANT OPTION";
      if (upper === "DELETE VERSIONING ROWS") return "DELETE HISTORY";
      return upper;
    });
}

/** MariaDB's global_priv `access` bitmask, as a decimal string (it may exceed 2^53). */
export function decodeAccess(access: string): string[] {
  let bits: bigint;
  try {
    bits = BigInt(access || "0");
  } catch {
    bits = 0n;
  }
  return MARIADB_ACCESS_BITS.filter((_, i) => (bits >> BigInt(i)) & 1n).map((name) => name);
}

/** MariaDB stores ssl_type as a number: 0 none, 1 ANY, 2 X509, 3 SPECIFIED. */
function sslType(v: unknown): string {
  const t = text(v);
  return ({ "0": "", "1": "ANY", "2": "X509", "3": "SPECIFIED" } as Record<string, string>)[t] ?? t.toUpperCase();
}

/** Plugins that check a password the client sends (an empty stored string = no password). */
const PASSWORD_PLUGINS = new Set([
  "",
  "mysql_native_password",
  "caching_sha2_password",
  "sha256_password",
  "ed25519",
  "mysql_old_password",
  "parsec",
]);

/** `mandatory_roles`: `` `r1`@`%`,r2@localhost `` — a role without a host means `%`. */
export function parseRoleList(value: string): MysqlAccountRef[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const m = /^(`(?:[^`]|``)*`|'(?:[^']|'')*'|[^@]+)(?:@(`(?:[^`]|``)*`|'(?:[^']|'')*'|.+))?$/.exec(s);
      const unquote = (x: string | undefined) =>
        x === undefined ? "%" : /^[`']/.test(x) ? x.slice(1, -1).replaceAll(x[0] === "`" ? "``" : "''", x[0] as string) : x;
      return m ? { user: unquote(m[1]), host: unquote(m[2]) } : { user: s, host: "%" };
    });
}

/** One key per (database, table, name), its columns in the key's order (the rows come ordered so). */
export function foreignKeysOf(rows: readonly Row[]): MysqlForeignKey[] {
  const byName = new Map<string, MysqlForeignKey>();
  for (const r of rows) {
    const id = [text(r.db), text(r.table_name), text(r.name)].join("\u0000");
    let key = byName.get(id);
    if (!key) {
      key = {
        db: text(r.db),
        table: text(r.table_name),
        name: text(r.name),
        columns: [],
        referencedDb: text(r.referenced_db),
        referencedTable: text(r.referenced_table),
        referencedColumns: [],
        onDelete: text(r.on_delete).toUpperCase(),
        onUpdate: text(r.on_update).toUpperCase(),
        keyChangesWithRow: false,
        referencedColumnsHidden: false,
      };
      byName.set(id, key);
    }
    key.columns.push(text(r.column_name));
    key.referencedColumns.push(text(r.referenced_column));
    // "STORED GENERATED", "VIRTUAL GENERATED", "on update current_timestamp()" (MySQL: "DEFAULT_GENERATED on update CURRENT_TIMESTAMP").
    if (r.referenced_extra === null || r.referenced_extra === undefined) key.referencedColumnsHidden = true;
    else if (/generated|on update/i.test(text(r.referenced_extra).replace(/DEFAULT_GENERATED/i, ""))) key.keyChangesWithRow = true;
  }
  return [...byName.values()];
}

const TRIGGER_EVENTS = new Set(["INSERT", "UPDATE", "DELETE"]);

/** information_schema.TRIGGERS rows as triggers (an event the server would not name is dropped). */
export function triggersOf(rows: readonly Row[]): MysqlTrigger[] {
  return rows
    .map((r) => ({
      db: text(r.db),
      table: text(r.table_name),
      name: text(r.name),
      event: text(r.event).toUpperCase() as MysqlTrigger["event"],
      definer: splitDefiner(text(r.definer)),
      body: text(r.body),
    }))
    .filter((t) => TRIGGER_EVENTS.has(t.event));
}

const EVENT_STATUSES = new Set(["ENABLED", "DISABLED", "SLAVESIDE_DISABLED"]);

/** Event rows as events (a status the server would not name is taken as ENABLED: it may run). */
export function eventsOf(rows: readonly Row[]): MysqlEvent[] {
  return rows.map((r) => {
    const status = text(r.status).toUpperCase();
    return {
      db: text(r.db),
      name: text(r.name),
      definer: splitDefiner(text(r.definer)),
      status: (EVENT_STATUSES.has(status) ? status : "ENABLED") as MysqlEvent["status"],
      ...(truthy(r.ended) ? { ended: true } : {}),
      body: text(r.body),
    };
  });
}

/**
 * The events, or "unreadable": on MariaDB when SELECT on mysql.event is refused; on MySQL
 * when the audit account lacks a global EVENT, because information_schema.EVENTS then leaves
 * out, silently, the databases where it holds none.
 */
async function readEvents(db: MysqlQueryable, flavor: MysqlFlavor, auditorGlobal: readonly string[]): Promise<MysqlEvent[] | "unreadable"> {
  if (flavor === "mysql" && !auditorGlobal.includes("EVENT")) return "unreadable";
  try {
    return eventsOf(await db.query(EVENTS_SQL[flavor]));
  } catch (e) {
    // SELECT refused on the table, or on a column of it (a grant on some columns: found live by a review).
    const code = (e as { code?: string }).code;
    if (code === "ER_TABLEACCESS_DENIED_ERROR" || code === "ER_COLUMNACCESS_DENIED_ERROR") return "unreadable";
    throw e;
  }
}

export async function readMysqlCatalog(
  db: MysqlQueryable,
  databases: readonly string[],
  statementTimeoutSeconds: number,
): Promise<MysqlCatalog> {
  const identity = (await db.query(IDENTITY_SQL))[0] ?? {};
  const version = text(identity.version);
  const flavor: MysqlFlavor = /mariadb/i.test(version) ? "mariadb" : "mysql";
  await db.query(READ_ONLY_SQL);
  await db.query(TIMEOUT_SQL[flavor], [flavor === "mariadb" ? statementTimeoutSeconds : Math.round(statementTimeoutSeconds * 1000)]);
  await db.query(BEGIN_SQL);
  try {
    const server = (await db.query(SERVER_SQL[flavor]))[0] ?? {};
    const accountRows = await db.query(ACCOUNTS_SQL[flavor]);
    const dynamic = flavor === "mysql" ? await db.query(GLOBAL_GRANTS_SQL) : [];
    const dbRows = await db.query(DB_GRANTS_SQL[flavor]);
    const tableRows = await db.query(TABLE_GRANTS_SQL);
    const columnRows = await db.query(COLUMN_GRANTS_SQL);
    const routineRows = await db.query(ROUTINE_GRANTS_SQL);
    const edgeRows = await db.query(ROLE_EDGES_SQL[flavor]);
    const defaultRows = flavor === "mysql" ? await db.query(DEFAULT_ROLES_SQL) : [];
    const proxyRows = await db.query(PROXIES_SQL);
    const objectRows = await db.query(DEFINER_OBJECTS_SQL[flavor]);
    const keyRows = await db.query(FOREIGN_KEYS_SQL);
    const triggerRows = await db.query(TRIGGERS_SQL);
    const tableFacts = databases.length > 0 ? await db.query(TABLES_SQL, [[...databases]]) : [];

    const accounts: MysqlAccount[] = accountRows.map((r) => {
      const user = text(r.user);
      const host = text(r.host);
      const plugin = text(r.plugin);
      const global =
        flavor === "mariadb"
          ? decodeAccess(text(r.access))
          : [
              ...flags(r, MYSQL_USER_PRIV_COLUMNS),
              ...dynamic.filter((d) => text(d.user) === user && text(d.host) === host).map((d) => text(d.priv).toUpperCase()),
            ];
      const defaultRoles =
        flavor === "mariadb"
          ? text(r.default_role) === ""
            ? []
            : [{ user: text(r.default_role), host: "" }]
          : defaultRows
              .filter((d) => text(d.user) === user && text(d.host) === host)
              .map((d) => ({ user: text(d.role_user), host: text(d.role_host) }));
      return {
        user,
        host,
        isRole: truthy(r.is_role),
        plugin,
        hasCredential: !(truthy(r.empty_auth) && PASSWORD_PLUGINS.has(plugin)),
        locked: truthy(r.locked),
        passwordExpired: truthy(r.expired),
        sslType: flavor === "mariadb" ? sslType(r.ssl_type) : text(r.ssl_type).toUpperCase(),
        global: [...new Set(global)],
        defaultRoles,
      };
    });
    const ref = (r: Row) => ({ user: text(r.user), host: text(r.host) });
    const dbColumns = flavor === "mariadb" ? [...DB_PRIV_COLUMNS, "Delete_history_priv"] : DB_PRIV_COLUMNS;
    const definerObjects: MysqlDefinerObject[] = objectRows.map((r) => {
      const definition = text(r.definition);
      return {
        kind: text(r.kind) as MysqlDefinerObject["kind"],
        db: text(r.db),
        name: text(r.name),
        securityType: text(r.security_type).toUpperCase() === "INVOKER" ? "INVOKER" : "DEFINER",
        definer: splitDefiner(text(r.definer)),
        definition: definition === "" ? null : definition,
      };
    });
    const foreignKeys = foreignKeysOf(keyRows);
    const currentUser = splitDefiner(text(identity.current_user_name));
    const auditor = accounts.find((a) => a.user === currentUser.user && a.host === currentUser.host);
    const events = await readEvents(db, flavor, auditor?.global ?? []);
    const tables: MysqlQueueTableFact[] = tableFacts.map((t) => ({ db: text(t.db), table: text(t.table_name), found: true }));
    return {
      flavor,
      version,
      currentUser,
      requireSecureTransport: on(server.require_secure_transport),
      mandatoryRoles: flavor === "mysql" ? parseRoleList(text(server.mandatory_roles)) : [],
      activateAllRolesOnLogin: flavor === "mysql" && on(server.activate_all_roles_on_login),
      accounts,
      dbGrants: dbRows.map((r) => ({ ...ref(r), db: text(r.db), privileges: flags(r, dbColumns) })),
      tableGrants: tableRows.map((r) => ({
        ...ref(r),
        db: text(r.db),
        table: text(r.table_name),
        privileges: privilegeSet(r.table_priv),
      })),
      columnGrants: columnRows.map((r) => ({
        ...ref(r),
        db: text(r.db),
        table: text(r.table_name),
        column: text(r.column_name),
        privileges: privilegeSet(r.column_priv),
      })),
      routineGrants: routineRows.map((r) => ({
        ...ref(r),
        db: text(r.db),
        routine: text(r.routine_name),
        type: text(r.routine_type),
        privileges: privilegeSet(r.proc_priv),
      })),
      roleEdges: edgeRows.map((r) => ({
        role: { user: text(r.role_user), host: text(r.role_host) },
        grantee: { user: text(r.grantee_user), host: text(r.grantee_host) },
        admin: truthy(r.admin),
      })),
      proxies: proxyRows.map((r) => ({
        ...ref(r),
        proxied: { user: text(r.proxied_user), host: text(r.proxied_host) },
        withGrant: truthy(r.with_grant),
      })),
      definerObjects,
      foreignKeys,
      triggers: triggersOf(triggerRows),
      events,
      eventScheduler: text(server.event_scheduler).toUpperCase(),
      tables,
    };
  } finally {
    await db.query(END_SQL).catch(() => undefined);
  }
}
