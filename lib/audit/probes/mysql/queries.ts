/**
 * The statements of one MySQL/MariaDB observation. Their number is fixed per server flavor
 * (it never grows with accounts, grants or tables); the configured databases are bound as
 * values by the driver, never spliced into the SQL text. Every object is schema-qualified
 * (`mysql.…`, `information_schema.…`), so no database the auditor lands in can shadow them.
 * Password hashes never leave the server: only `authentication_string = ''` is selected.
 */

export const IDENTITY_SQL = "SELECT VERSION() AS version, CURRENT_USER() AS current_user_name";
export const READ_ONLY_SQL = "SET SESSION TRANSACTION READ ONLY";
/** Server-side statement limits (MariaDB in seconds, MySQL in milliseconds and for SELECT only). */
export const TIMEOUT_SQL = {
  mariadb: "SET SESSION max_statement_time = ?",
  mysql: "SET SESSION max_execution_time = ?",
} as const;
export const BEGIN_SQL = "START TRANSACTION READ ONLY";
export const END_SQL = "ROLLBACK";

export const SERVER_SQL = {
  mariadb: "SELECT @@GLOBAL.require_secure_transport AS require_secure_transport, @@GLOBAL.event_scheduler AS event_scheduler",
  mysql:
    "SELECT @@GLOBAL.require_secure_transport AS require_secure_transport, @@GLOBAL.event_scheduler AS event_scheduler, @@GLOBAL.mandatory_roles AS mandatory_roles, @@GLOBAL.activate_all_roles_on_login AS activate_all_roles_on_login",
} as const;

/** The static global privilege columns of MySQL 8's mysql.user (8.0 and 8.4 alike). */
export const MYSQL_USER_PRIV_COLUMNS = [
  "Select_priv",
  "Insert_priv",
  "Update_priv",
  "Delete_priv",
  "Create_priv",
  "Drop_priv",
  "Reload_priv",
  "Shutdown_priv",
  "Process_priv",
  "File_priv",
  "Grant_priv",
  "References_priv",
  "Index_priv",
  "Alter_priv",
  "Show_db_priv",
  "Super_priv",
  "Create_tmp_table_priv",
  "Lock_tables_priv",
  "Execute_priv",
  "Repl_slave_priv",
  "Repl_client_priv",
  "Create_view_priv",
  "Show_view_priv",
  "Create_routine_priv",
  "Alter_routine_priv",
  "Create_user_priv",
  "Event_priv",
  "Trigger_priv",
  "Create_tablespace_priv",
  "Create_role_priv",
  "Drop_role_priv",
] as const;

/** mysql.db privilege columns, common to MySQL 8 and MariaDB (MariaDB adds Delete_history_priv). */
export const DB_PRIV_COLUMNS = [
  "Select_priv",
  "Insert_priv",
  "Update_priv",
  "Delete_priv",
  "Create_priv",
  "Drop_priv",
  "Grant_priv",
  "References_priv",
  "Index_priv",
  "Alter_priv",
  "Create_tmp_table_priv",
  "Lock_tables_priv",
  "Create_view_priv",
  "Show_view_priv",
  "Create_routine_priv",
  "Alter_routine_priv",
  "Execute_priv",
  "Event_priv",
  "Trigger_priv",
] as const;

export const ACCOUNTS_SQL = {
  // global_priv is the table; mysql.user is a view over it since 10.4. JSON_VALUE reads true as '1'.
  mariadb: `SELECT User AS user, Host AS host,
  CAST(JSON_VALUE(Priv, '$.access') AS CHAR) AS access,
  JSON_VALUE(Priv, '$.plugin') AS plugin,
  COALESCE(JSON_VALUE(Priv, '$.authentication_string'), '') = '' AS empty_auth,
  JSON_LENGTH(Priv, '$.auth_or') AS auth_alternatives,
  COALESCE(JSON_VALUE(Priv, '$.account_locked'), '0') IN ('1', 'true') AS locked,
  COALESCE(JSON_VALUE(Priv, '$.password_last_changed'), '1') = '0' AS expired,
  COALESCE(JSON_VALUE(Priv, '$.is_role'), '0') IN ('1', 'true') AS is_role,
  COALESCE(JSON_VALUE(Priv, '$.ssl_type'), 0) AS ssl_type,
  COALESCE(JSON_VALUE(Priv, '$.default_role'), '') AS default_role
FROM mysql.global_priv ORDER BY User, Host`,
  mysql: `SELECT User AS user, Host AS host, plugin, authentication_string = '' AS empty_auth, 0 AS auth_alternatives,
  account_locked = 'Y' AS locked, password_expired = 'Y' AS expired, 0 AS is_role, ssl_type,
  ${MYSQL_USER_PRIV_COLUMNS.join(", ")}
FROM mysql.user ORDER BY User, Host`,
} as const;

/** MySQL 8 dynamic global privileges (ROLE_ADMIN, SYSTEM_USER, …). */
export const GLOBAL_GRANTS_SQL =
  "SELECT USER AS user, HOST AS host, PRIV AS priv, WITH_GRANT_OPTION AS with_grant FROM mysql.global_grants";

export const DB_GRANTS_SQL = {
  mariadb: `SELECT User AS user, Host AS host, Db AS db, ${DB_PRIV_COLUMNS.join(", ")}, Delete_history_priv FROM mysql.db`,
  mysql: `SELECT User AS user, Host AS host, Db AS db, ${DB_PRIV_COLUMNS.join(", ")} FROM mysql.db`,
} as const;

export const TABLE_GRANTS_SQL =
  "SELECT User AS user, Host AS host, Db AS db, Table_name AS table_name, Table_priv AS table_priv, Column_priv AS column_priv FROM mysql.tables_priv";
export const COLUMN_GRANTS_SQL =
  "SELECT User AS user, Host AS host, Db AS db, Table_name AS table_name, Column_name AS column_name, Column_priv AS column_priv FROM mysql.columns_priv";
export const ROUTINE_GRANTS_SQL =
  "SELECT User AS user, Host AS host, Db AS db, Routine_name AS routine_name, Routine_type AS routine_type, Proc_priv AS proc_priv FROM mysql.procs_priv";

export const ROLE_EDGES_SQL = {
  // A role granted to a role has Host '' and the role's name as User.
  mariadb:
    "SELECT Role AS role_user, '' AS role_host, User AS grantee_user, Host AS grantee_host, Admin_option = 'Y' AS admin FROM mysql.roles_mapping",
  mysql:
    "SELECT FROM_USER AS role_user, FROM_HOST AS role_host, TO_USER AS grantee_user, TO_HOST AS grantee_host, WITH_ADMIN_OPTION = 'Y' AS admin FROM mysql.role_edges",
} as const;

/** MySQL 8 only: MariaDB keeps the default role in global_priv. */
export const DEFAULT_ROLES_SQL =
  "SELECT USER AS user, HOST AS host, DEFAULT_ROLE_USER AS role_user, DEFAULT_ROLE_HOST AS role_host FROM mysql.default_roles";

export const PROXIES_SQL =
  "SELECT User AS user, Host AS host, Proxied_user AS proxied_user, Proxied_host AS proxied_host, With_grant <> 0 AS with_grant FROM mysql.proxies_priv";

/**
 * Views and routines with their security type and definer. A view's definition is shown
 * only to accounts that may SELECT it, which the auditor must not: it then comes back empty.
 */
export const DEFINER_OBJECTS_SQL = {
  mariadb: `SELECT 'view' AS kind, CONVERT(TABLE_SCHEMA USING utf8mb4) AS db, CONVERT(TABLE_NAME USING utf8mb4) AS name,
  CONVERT(SECURITY_TYPE USING utf8mb4) AS security_type, CONVERT(DEFINER USING utf8mb4) AS definer,
  CONVERT(VIEW_DEFINITION USING utf8mb4) AS definition
FROM information_schema.VIEWS
UNION ALL
SELECT LOWER(type), CONVERT(db USING utf8mb4), CONVERT(name USING utf8mb4), CONVERT(security_type USING utf8mb4),
  CONVERT(definer USING utf8mb4), CONVERT(body USING utf8mb4)
FROM mysql.proc WHERE type IN ('PROCEDURE', 'FUNCTION')`,
  mysql: `SELECT 'view' AS kind, TABLE_SCHEMA AS db, TABLE_NAME AS name, SECURITY_TYPE AS security_type, DEFINER AS definer,
  VIEW_DEFINITION AS definition
FROM information_schema.VIEWS
UNION ALL
SELECT LOWER(ROUTINE_TYPE), ROUTINE_SCHEMA, ROUTINE_NAME, SECURITY_TYPE, DEFINER, ROUTINE_DEFINITION
FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA NOT IN ('sys', 'mysql', 'information_schema', 'performance_schema')`,
} as const;

/**
 * Foreign keys whose ON DELETE or ON UPDATE rule writes the referencing rows (CASCADE, SET
 * NULL, SET DEFAULT), one row per column in the key's order, in every database (a key may
 * reference another database's table). InnoDB runs those actions without checking any
 * privilege on the referencing table. With each, the referenced column's EXTRA: a generated
 * or ON UPDATE column changes when other columns are updated. information_schema lists them
 * to the audit account through its SHOW VIEW on *.* (any privilege makes a table visible there).
 */
export const FOREIGN_KEYS_SQL = `SELECT CONVERT(k.TABLE_SCHEMA USING utf8mb4) AS db, CONVERT(k.TABLE_NAME USING utf8mb4) AS table_name,
  CONVERT(k.CONSTRAINT_NAME USING utf8mb4) AS name, CONVERT(k.COLUMN_NAME USING utf8mb4) AS column_name,
  CONVERT(k.REFERENCED_TABLE_SCHEMA USING utf8mb4) AS referenced_db, CONVERT(k.REFERENCED_TABLE_NAME USING utf8mb4) AS referenced_table,
  CONVERT(k.REFERENCED_COLUMN_NAME USING utf8mb4) AS referenced_column,
  CONVERT(rc.DELETE_RULE USING utf8mb4) AS on_delete, CONVERT(rc.UPDATE_RULE USING utf8mb4) AS on_update,
  CONVERT(col.EXTRA USING utf8mb4) AS referenced_extra
FROM information_schema.REFERENTIAL_CONSTRAINTS rc
JOIN information_schema.KEY_COLUMN_USAGE k
  ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND k.TABLE_NAME = rc.TABLE_NAME
LEFT JOIN information_schema.COLUMNS col
  ON col.TABLE_SCHEMA = k.REFERENCED_TABLE_SCHEMA AND col.TABLE_NAME = k.REFERENCED_TABLE_NAME AND col.COLUMN_NAME = k.REFERENCED_COLUMN_NAME
WHERE k.REFERENCED_TABLE_NAME IS NOT NULL
  AND (rc.DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT') OR rc.UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT'))
ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/**
 * Every trigger the audit account can see, with its event, definer and body: a table's
 * triggers are listed only to an account holding TRIGGER on it (docs/mysql.md says why the
 * audit account holds it on *.*).
 */
export const TRIGGERS_SQL = `SELECT CONVERT(EVENT_OBJECT_SCHEMA USING utf8mb4) AS db, CONVERT(EVENT_OBJECT_TABLE USING utf8mb4) AS table_name,
  CONVERT(TRIGGER_NAME USING utf8mb4) AS name, CONVERT(EVENT_MANIPULATION USING utf8mb4) AS event,
  CONVERT(DEFINER USING utf8mb4) AS definer, CONVERT(ACTION_STATEMENT USING utf8mb4) AS body
FROM information_schema.TRIGGERS
ORDER BY EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME`;

/**
 * Every scheduled event with its definer, status and body. MariaDB keeps them in mysql.event,
 * which the audit account reads with SELECT on it (information_schema.EVENTS would list only
 * the databases where it holds EVENT); MySQL 8 keeps them in its data dictionary, which
 * information_schema.EVENTS shows only for databases where the account holds EVENT.
 */
export const EVENTS_SQL = {
  // mysql.event keeps its times in UTC (tried: an event made in a +05:00 session).
  mariadb: `SELECT CONVERT(db USING utf8mb4) AS db, CONVERT(name USING utf8mb4) AS name, CONVERT(definer USING utf8mb4) AS definer,
  CONVERT(status USING utf8mb4) AS status, CONVERT(body_utf8 USING utf8mb4) AS body,
  coalesce(ends < UTC_TIMESTAMP(), FALSE) AS ended
FROM mysql.event ORDER BY db, name`,
  // information_schema.EVENTS shows them in each event's time zone; one CONVERT_TZ cannot read
  // (a named zone without the time zone tables) is taken as not ended, which errs towards reporting.
  mysql: `SELECT EVENT_SCHEMA AS db, EVENT_NAME AS name, DEFINER AS definer, STATUS AS status, EVENT_DEFINITION AS body,
  coalesce(CONVERT_TZ(ENDS, TIME_ZONE, '+00:00') < UTC_TIMESTAMP(), FALSE) AS ended
FROM information_schema.EVENTS ORDER BY EVENT_SCHEMA, EVENT_NAME`,
} as const;

/** ? = the configured databases (the driver expands the list). */
export const TABLES_SQL = "SELECT TABLE_SCHEMA AS db, TABLE_NAME AS table_name FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)";
