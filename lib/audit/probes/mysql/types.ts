import type { ObservationError } from "../../model/observation.js";

/**
 * What the MySQL probe observed of one `mysql[]` target: the grant tables, the role graph and
 * the definer objects, normalised to one shape for MySQL 8 and MariaDB, so the access model and
 * the checks never need a connection. Names are as the server spells them.
 */
export interface MysqlObservation {
  target: string;
  error?: ObservationError;
  catalog?: MysqlCatalog;
}

export type MysqlFlavor = "mysql" | "mariadb";

export interface MysqlAccountRef {
  user: string;
  host: string;
}

export interface MysqlAccount extends MysqlAccountRef {
  /** MariaDB `is_role`; on MySQL roles are accounts (CREATE ROLE makes them locked). */
  isRole: boolean;
  plugin: string;
  /** True when a password (or another credential, e.g. an IAM plugin) is needed to log in. */
  hasCredential: boolean;
  locked: boolean;
  passwordExpired: boolean;
  /** `ssl_type`: '' (none), ANY (REQUIRE SSL), X509, SPECIFIED. */
  sslType: string;
  /** Global (`*.*`) privileges, upper case, `GRANT OPTION` included; MySQL dynamic ones too. */
  global: string[];
  /** MariaDB's `default_role` (one), or MySQL's `mysql.default_roles` rows. */
  defaultRoles: MysqlAccountRef[];
}

/** A `mysql.db` row: `db` may be a pattern (`%`, `_`, `\_` escapes). */
export interface MysqlDbGrant extends MysqlAccountRef {
  db: string;
  privileges: string[];
}

export interface MysqlTableGrant extends MysqlAccountRef {
  db: string;
  table: string;
  privileges: string[];
}

export interface MysqlColumnGrant extends MysqlAccountRef {
  db: string;
  table: string;
  column: string;
  privileges: string[];
}

export interface MysqlRoutineGrant extends MysqlAccountRef {
  db: string;
  routine: string;
  type: string;
  privileges: string[];
}

/** `role` granted to `grantee` (MySQL `role_edges` FROM -> TO; MariaDB `roles_mapping`). */
export interface MysqlRoleEdge {
  role: MysqlAccountRef;
  grantee: MysqlAccountRef;
  admin: boolean;
}

/** `GRANT PROXY ON proxied TO account`. */
export interface MysqlProxyGrant extends MysqlAccountRef {
  proxied: MysqlAccountRef;
  withGrant: boolean;
}

export interface MysqlDefinerObject {
  kind: "view" | "procedure" | "function";
  db: string;
  name: string;
  securityType: "DEFINER" | "INVOKER";
  definer: MysqlAccountRef;
  /** The view's SELECT or the routine's body; null when the server does not show it to the auditor. */
  definition: string | null;
}

/**
 * A foreign key whose ON DELETE or ON UPDATE rule writes the rows that reference a key
 * (CASCADE, SET NULL, SET DEFAULT): InnoDB runs it for whoever deletes or updates the
 * referenced row, checking no privilege on this table (proven live in
 * test/audit/checks/mysql/foreign-keys.test.ts).
 */
export interface MysqlForeignKey {
  /** The referencing table: the one the rules write. */
  db: string;
  table: string;
  name: string;
  columns: string[];
  referencedDb: string;
  referencedTable: string;
  referencedColumns: string[];
  /** `DELETE_RULE`, `UPDATE_RULE`: CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION. */
  onDelete: string;
  onUpdate: string;
  /**
   * A referenced column is generated or `ON UPDATE CURRENT_TIMESTAMP`: it changes when the row's
   * other columns are updated, so any UPDATE of the referenced table may change the key.
   * Absent in hand-built catalogs, where it is taken as false.
   */
  keyChangesWithRow?: boolean;
  /**
   * The referenced columns' definitions were not visible to the audit account
   * (information_schema.COLUMNS lists a column only to an account with a privilege on it), so
   * whether they change with the row is unknown. Absent in hand-built catalogs: visible.
   */
  referencedColumnsHidden?: boolean;
}

/**
 * A trigger: MySQL and MariaDB run its body with its definer's privileges (a trigger has no
 * SQL SECURITY INVOKER) for whoever's INSERT, UPDATE or DELETE on its table fires it, provided
 * the definer holds TRIGGER on that table when it fires (else the statement fails).
 */
export interface MysqlTrigger {
  db: string;
  table: string;
  name: string;
  event: "INSERT" | "UPDATE" | "DELETE";
  definer: MysqlAccountRef;
  body: string;
}

/**
 * A scheduled event: the server runs its body as its definer, on its schedule, for as long as
 * it is ENABLED and the event scheduler is not DISABLED (set at server start), provided the
 * definer still holds EVENT on the event's database when it runs (else the run fails: tried
 * live on MariaDB 10.11). Nobody need be logged in: whoever may replace a routine it calls
 * runs a body of their own as its definer at the next run.
 */
export interface MysqlEvent {
  db: string;
  name: string;
  definer: MysqlAccountRef;
  status: "ENABLED" | "DISABLED" | "SLAVESIDE_DISABLED";
  /** Its schedule has ENDed (an ENABLED event kept past its end never runs again; ALTER EVENT would make a new definer). */
  ended?: boolean;
  body: string;
}

export interface MysqlQueueTableFact {
  db: string;
  table: string;
  found: boolean;
}

export interface MysqlCatalog {
  flavor: MysqlFlavor;
  version: string;
  /** The auditor's account as the server authenticated it (`CURRENT_USER()`). */
  currentUser: MysqlAccountRef;
  requireSecureTransport: boolean;
  /** MySQL 8 `mandatory_roles` (empty on MariaDB). */
  mandatoryRoles: MysqlAccountRef[];
  activateAllRolesOnLogin: boolean;
  accounts: MysqlAccount[];
  dbGrants: MysqlDbGrant[];
  tableGrants: MysqlTableGrant[];
  columnGrants: MysqlColumnGrant[];
  routineGrants: MysqlRoutineGrant[];
  roleEdges: MysqlRoleEdge[];
  proxies: MysqlProxyGrant[];
  definerObjects: MysqlDefinerObject[];
  /** Foreign keys that write their table on a DELETE or UPDATE of another's. Absent in hand-built catalogs. */
  foreignKeys?: MysqlForeignKey[];
  /**
   * The triggers the audit account can see: information_schema.TRIGGERS lists a table's
   * triggers only to an account holding TRIGGER on the table, so where it holds none they are
   * hidden (the model says where that matters). Absent in hand-built catalogs: no triggers, and
   * none hidden.
   */
  triggers?: MysqlTrigger[];
  /**
   * Every scheduled event, or "unreadable" where the audit account may not read them
   * (MariaDB: SELECT on mysql.event; MySQL 8: EVENT on *.*; the model says where that matters).
   * Absent in hand-built catalogs: no events.
   */
  events?: MysqlEvent[] | "unreadable";
  /** `@@event_scheduler`: ON, OFF (an admin may turn it on at any time) or DISABLED (only at server start). */
  eventScheduler?: string;
  /** Every table and view in the configured databases (what is not here does not exist). */
  tables: MysqlQueueTableFact[];
}
