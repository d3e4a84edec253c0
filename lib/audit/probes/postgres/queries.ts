/**
 * The catalog queries of one observation. Their number is fixed (it does not grow with
 * roles or tables): every list comes back in one round trip, and the configured tables
 * and schemas are bound as text[] parameters, never spliced into the SQL text. Everything
 * read here is visible to any role that may connect, so the audit role needs no grants.
 * Every catalog object is schema-qualified (and the connection pins search_path to
 * pg_catalog): a database or schema owner must not be able to shadow pg_roles with a view
 * that hides a superuser from the auditor.
 */

/** `pg_catalog.aclexplode()` of an ACL expression as a JSON array of PgAclItem. */
const aclJson = (acl: string) => `(SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object(
    'grantee', a.grantee::int8, 'grantor', a.grantor::int8, 'privilege', a.privilege_type, 'grantable', a.is_grantable)
    ORDER BY a.grantee, a.privilege_type), '[]'::json)
  FROM pg_catalog.aclexplode(${acl}) a)`;

export const SERVER_SQL = `SELECT pg_catalog.current_setting('server_version_num')::int AS version_num,
  current_user::text AS current_user, pg_catalog.current_database()::text AS database`;

export const ROLES_SQL = `SELECT oid::int8 AS oid, rolname::text AS name, rolcanlogin AS login, rolsuper AS superuser,
  rolinherit AS inherit, rolbypassrls AS bypassrls, rolcreaterole AS createrole
FROM pg_catalog.pg_roles ORDER BY oid`;

/** 16+: each grant carries its own INHERIT and SET options; several grantors are merged. */
export const MEMBERSHIPS_SQL_16 = `SELECT member::int8 AS member, roleid::int8 AS role,
  bool_or(admin_option) AS admin, bool_or(inherit_option) AS inherit, bool_or(set_option) AS set
FROM pg_catalog.pg_auth_members GROUP BY member, roleid ORDER BY member, roleid`;

/** Before 16: the member's INHERIT attribute decides inheritance, and any member may SET ROLE. */
export const MEMBERSHIPS_SQL_LEGACY = `SELECT m.member::int8 AS member, m.roleid::int8 AS role,
  bool_or(m.admin_option) AS admin, bool_or(r.rolinherit) AS inherit, true AS set
FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member
GROUP BY m.member, m.roleid ORDER BY m.member, m.roleid`;

/** $1 schemas, $2 table names, in config order. */
export const TABLES_SQL = `WITH req AS (
  SELECT r.schema_name, r.table_name, r.ord
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r(schema_name, table_name, ord)
)
SELECT req.schema_name, req.table_name, c.oid::int8 AS oid, c.relowner::int8 AS owner, c.relkind::text AS relkind,
  CASE WHEN c.oid IS NULL THEN '[]'::json ELSE ${aclJson("coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))")} END AS acl,
  (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('column', att.attname::text, 'acl', ${aclJson("att.attacl")}) ORDER BY att.attnum), '[]'::json)
     FROM pg_catalog.pg_attribute att
     WHERE att.attrelid = c.oid AND att.attnum > 0 AND NOT att.attisdropped AND att.attacl IS NOT NULL) AS column_acls,
  (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object(
       'oid', s.oid::int8, 'schema', sn.nspname::text, 'name', s.relname::text, 'owner', s.relowner::int8,
       'column', sa.attname::text, 'acl', ${aclJson("coalesce(s.relacl, pg_catalog.acldefault('s', s.relowner))")}) ORDER BY s.oid), '[]'::json)
     FROM pg_catalog.pg_depend d
     JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
     JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
     LEFT JOIN pg_catalog.pg_attribute sa ON sa.attrelid = d.refobjid AND sa.attnum = d.refobjsubid
     WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
       AND d.refobjid = c.oid AND d.deptype IN ('a', 'i')) AS sequences
FROM req
LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = req.schema_name
LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = req.table_name AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY req.ord`;

/** $1 schema names. */
export const SCHEMAS_SQL = `SELECT n.nspname::text AS name, n.oid::int8 AS oid, n.nspowner::int8 AS owner,
  ${aclJson("coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))")} AS acl
FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY($1::text[])`;

/** $1 schema names; database-wide entries (namespace 0) too. */
export const DEFAULT_ACLS_SQL = `SELECT d.defaclrole::int8 AS role, n.nspname::text AS schema, d.defaclobjtype::text AS object_type,
  ${aclJson("d.defaclacl")} AS acl
FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
WHERE d.defaclnamespace = 0 OR n.nspname = ANY($1::text[])
ORDER BY d.oid`;
