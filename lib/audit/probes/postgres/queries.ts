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
  current_user::text AS current_user, pg_catalog.current_database()::text AS database,
  (SELECT d.datdba::int8 FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) AS database_owner`;

export const ROLES_SQL = `SELECT oid::int8 AS oid, rolname::text AS name, rolcanlogin AS login, rolsuper AS superuser,
  rolinherit AS inherit, rolbypassrls AS bypassrls, rolcreaterole AS createrole, rolreplication AS replication
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
       AND d.refobjid = c.oid AND d.deptype IN ('a', 'i')) AS sequences,
  (SELECT coalesce(pg_catalog.json_agg(att.attname::text ORDER BY att.attnum), '[]'::json)
     FROM pg_catalog.pg_attribute att WHERE att.attrelid = c.oid AND att.attnum > 0 AND NOT att.attisdropped) AS columns,
  c.relrowsecurity AS row_security
FROM req
LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = req.schema_name
LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = req.table_name AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY req.ord`;

/** $1 schema names: those, and every other schema but the system and temporary ones (search_path judgement). */
export const SCHEMAS_SQL = `SELECT n.nspname::text AS name, n.oid::int8 AS oid, n.nspowner::int8 AS owner,
  ${aclJson("coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))")} AS acl
FROM pg_catalog.pg_namespace n
WHERE n.nspname = ANY($1::text[])
   OR (n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema')
ORDER BY n.oid`;

/** $1 schema names; database-wide entries (namespace 0) too. */
export const DEFAULT_ACLS_SQL = `SELECT d.defaclrole::int8 AS role, n.nspname::text AS schema, d.defaclobjtype::text AS object_type,
  ${aclJson("d.defaclacl")} AS acl
FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
WHERE d.defaclnamespace = 0 OR n.nspname = ANY($1::text[])
ORDER BY d.oid`;

/**
 * A foreign key whose ON DELETE or ON UPDATE action writes the referencing rows (CASCADE,
 * SET NULL, SET DEFAULT): a statement on the referenced table changes them, with the rights
 * of the referencing table's owner. NO ACTION and RESTRICT only refuse.
 */
const WRITING_ACTION = "con.confdeltype IN ('c', 'n', 'd') OR con.confupdtype IN ('c', 'n', 'd')";

/** The names of a constraint's columns (an int2[] of attnums of `relation`), in the constraint's order, as a JSON array. */
const columnNames = (
  attnums: string,
  relation: string,
) => `(SELECT coalesce(pg_catalog.json_agg(a.attname::text ORDER BY k.ord), '[]'::json)
          FROM unnest(${attnums}) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = ${relation} AND a.attnum = k.attnum)`;

/**
 * Whether the key's action on DELETE (tgtype bit 8) or UPDATE (16) has an enabled trigger on
 * the referenced relation: a superuser may disable it, a NOT ENFORCED key (18+) has none, and
 * the copies of a key on the partitions of a partitioned referencing table have none either
 * (the action runs from the partitioned table's).
 */
const actionFires = (bit: number) => `EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t
         WHERE t.tgconstraint = con.oid AND t.tgrelid = con.confrelid AND t.tgenabled <> 'D' AND (t.tgtype & ${bit}) <> 0)`;

/**
 * A trigger on a table with a writing foreign key: a key's action runs its statement as that
 * table's owner, and its BEFORE triggers fire inside it as that owner (from 16 its AFTER ones
 * too: tried on 15 and 18).
 */
const ACTION_TRIGGER = `EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
    WHERE con.conrelid = t.tgrelid AND con.contype = 'f' AND (${WRITING_ACTION}))`;

/**
 * The functions the defaults of a key's columns call (`pg_depend` of their `pg_attrdef`): a
 * SET DEFAULT action evaluates them as the referencing table's owner.
 */
const DEFAULT_CALLS = `(SELECT coalesce(pg_catalog.json_agg(DISTINCT d.refobjid::int8), '[]'::json)
         FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::regclass
           AND d.objid = ad.oid AND d.refclassid = 'pg_catalog.pg_proc'::regclass
         WHERE ad.adrelid = con.conrelid AND ad.adnum = ANY(con.conkey))`;

/** The configured tables' oids, from $1 schemas and $2 names. */
const REQUESTED_OIDS = `SELECT c.oid
  FROM unnest($1::text[], $2::text[]) AS r(schema_name, table_name)
  JOIN pg_catalog.pg_namespace n ON n.nspname = r.schema_name
  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = r.table_name`;

/**
 * $1 schemas, $2 table names. Every relation a statement can reach a configured table
 * through, found from the configured tables, every descendant (`pg_inherits`: partitions and
 * inheritance children) of one, whose rows are the table's, every table with a SECURITY
 * DEFINER trigger function (what it touches is judged from its body), and every table with a
 * writing foreign key whose action runs code as its owner (a trigger, or a SET DEFAULT
 * key's column defaults), then, at any depth:
 * relations whose rewrite rules use one (views, views over views, tables with INSERT, UPDATE
 * or DELETE rules), tables one references by a foreign key whose ON DELETE or ON UPDATE
 * action writes it (a DELETE there cascades here, with the owner's rights), and ancestors
 * (inheritance parents and partitioned tables), whose privileges reach a child's rows. One
 * row each, with its non-SELECT rules, its writing foreign keys and its direct parents.
 * pg_relation_is_updatable is PostgreSQL's own judgement of auto-updatable views and INSTEAD
 * rules (information_schema.views uses it).
 * Also every relation a statement goes on from (`onward`: each relation with an INSERT, UPDATE or
 * DELETE rule, and each view over a relation whose statements run code or policies, at any
 * depth), and the relations their rules name: a SECURITY DEFINER function's statement through
 * one runs the triggers, expressions and policies of the relation it reaches (onward-writes.ts).
 */
export function relationsSql(serverVersionNum: number): string {
  // 15+: ON DELETE SET NULL (col, …) may set only some of the key's columns.
  const setColumns = serverVersionNum >= 150000 ? columnNames("con.confdelsetcols", "con.conrelid") : "'[]'::json";
  // A partition whose DETACH CONCURRENTLY did not finish (14+) is no longer read through its
  // parent (tried on 15): it is not a child for this purpose.
  const attached = serverVersionNum >= 140000 ? " AND NOT i.inhdetachpending" : "";
  return `WITH RECURSIVE req AS (${REQUESTED_OIDS}),
down(oid) AS (
  SELECT oid FROM req
  UNION
  SELECT i.inhrelid FROM down JOIN pg_catalog.pg_inherits i ON i.inhparent = down.oid${attached}
),
up(oid) AS (
  SELECT oid FROM down
  UNION
  SELECT i.inhparent FROM up JOIN pg_catalog.pg_inherits i ON i.inhrelid = up.oid${attached}
),
fired(oid) AS (
  SELECT t.tgrelid FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
  WHERE NOT t.tgisinternal AND (p.prosecdef OR ${ACTION_TRIGGER})
  UNION
  SELECT con.conrelid FROM pg_catalog.pg_constraint con WHERE con.contype = 'f' AND 'd' IN (con.confdeltype, con.confupdtype)
),
entry(oid) AS (
  SELECT oid FROM up
  UNION
  SELECT oid FROM fired
  UNION
  SELECT e.next FROM entry CROSS JOIN LATERAL (
    SELECT rw.ev_class AS next FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite rw ON rw.oid = d.objid
    WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = entry.oid
      AND d.classid = 'pg_catalog.pg_rewrite'::regclass AND rw.ev_class <> entry.oid
    UNION ALL
    SELECT con.confrelid FROM pg_catalog.pg_constraint con
    WHERE con.conrelid = entry.oid AND con.contype = 'f' AND (${WRITING_ACTION})
    UNION ALL
    SELECT i.inhparent FROM pg_catalog.pg_inherits i WHERE i.inhrelid = entry.oid${attached}
  ) e
),
user_fn(oid) AS (
  SELECT p.oid FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
  WHERE pn.nspname NOT IN ('pg_catalog', 'information_schema')
),
-- Relations whose statements run someone's code or policies (user triggers, row-level security,
-- rules, defaults, CHECKs and indexes calling user functions), then the views that read one, at
-- any depth: what a definer's statement may reach through views and rules. Read from the
-- catalogs alone, so no view is opened (and locked) that cannot matter (found by a review: a
-- migration holding any view made the audit wait).
interesting(oid) AS (
  SELECT t.tgrelid FROM pg_catalog.pg_trigger t WHERE NOT t.tgisinternal
  UNION
  SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relrowsecurity
  UNION
  SELECT rw.ev_class FROM pg_catalog.pg_rewrite rw WHERE rw.ev_type <> '1' AND rw.ev_enabled IN ('O', 'A')
  UNION
  SELECT ad.adrelid FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::regclass
    AND d.objid = ad.oid AND d.refclassid = 'pg_catalog.pg_proc'::regclass WHERE d.refobjid IN (SELECT oid FROM user_fn)
  UNION
  SELECT con.conrelid FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_constraint'::regclass
    AND d.objid = con.oid AND d.refclassid = 'pg_catalog.pg_proc'::regclass WHERE con.contype = 'c' AND d.refobjid IN (SELECT oid FROM user_fn)
  UNION
  SELECT i.indrelid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass
    AND d.objid = i.indexrelid AND d.refclassid = 'pg_catalog.pg_proc'::regclass WHERE d.refobjid IN (SELECT oid FROM user_fn)
  UNION
  SELECT rw.ev_class FROM interesting g
  JOIN pg_catalog.pg_depend d ON d.refobjid = g.oid AND d.classid = 'pg_catalog.pg_rewrite'::regclass
    AND d.refclassid = 'pg_catalog.pg_class'::regclass
  JOIN pg_catalog.pg_rewrite rw ON rw.oid = d.objid
  WHERE rw.ev_type = '1' AND rw.ev_class <> g.oid
),
onward(oid) AS (
  SELECT c.oid FROM interesting i JOIN pg_catalog.pg_class c ON c.oid = i.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    AND (c.relkind = 'v'
      OR EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite rw WHERE rw.ev_class = c.oid AND rw.ev_type <> '1' AND rw.ev_enabled IN ('O', 'A')))
),
-- \`routed\`: a relation a route into a configured table may pass through (its grants and keys are
-- read); the others are only where a definer's statement goes on to (their names, rules and views).
listed(oid, routed) AS (
  SELECT u.oid, pg_catalog.bool_or(u.routed) FROM (
    SELECT oid, true AS routed FROM entry
    UNION ALL
    SELECT oid, false FROM onward
    UNION ALL
    -- The relations their rules name (a rule's text is read by their names); not what views read.
    SELECT d.refobjid, false FROM onward JOIN pg_catalog.pg_rewrite rw ON rw.ev_class = onward.oid AND rw.ev_type <> '1'
    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = rw.oid
      AND d.refclassid = 'pg_catalog.pg_class'::regclass
  ) u GROUP BY u.oid
)
SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS relkind, c.relowner::int8 AS owner,
  CASE WHEN listed.routed THEN ${aclJson("coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))")} ELSE '[]'::json END AS acl,
  coalesce(c.reloptions, '{}'::text[])::text[] AS options,
  CASE WHEN listed.routed THEN
    (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('column', att.attname::text, 'acl', ${aclJson("att.attacl")}) ORDER BY att.attnum), '[]'::json)
       FROM pg_catalog.pg_attribute att
       WHERE att.attrelid = c.oid AND att.attnum > 0 AND NOT att.attisdropped AND att.attacl IS NOT NULL)
  ELSE '[]'::json END AS column_acls,
  CASE WHEN c.relkind = 'v' THEN pg_catalog.pg_relation_is_updatable(c.oid, true) ELSE 0 END AS updatable,
  -- Which of them an updatable view writes is in its stored query (view-base.ts), and which it
  -- reads with ONLY: sent only for an updatable view reading more than one relation, or a view
  -- reading a relation that has partitions or children.
  (SELECT rw.ev_action::text FROM pg_catalog.pg_rewrite rw
   WHERE c.relkind = 'v' AND rw.ev_class = c.oid AND rw.ev_type = '1'
     AND ((pg_catalog.pg_relation_is_updatable(c.oid, true) <> 0
           AND (SELECT count(DISTINCT d.refobjid) FROM pg_catalog.pg_depend d
                WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = rw.oid
                  AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> c.oid) > 1)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_inherits i ON i.inhparent = d.refobjid
                  WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = rw.oid
                    AND d.refclassid = 'pg_catalog.pg_class'::regclass))) AS view_query,
  (SELECT coalesce(pg_catalog.array_agg(i.inhparent::int8 ORDER BY i.inhseqno), '{}'::int8[])
     FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid${attached}) AS parents,
  (SELECT coalesce(pg_catalog.array_agg(DISTINCT d.refobjid::int8), '{}'::int8[])
     FROM pg_catalog.pg_rewrite rw
     JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = rw.oid
       AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> c.oid
     WHERE rw.ev_class = c.oid AND rw.ev_type = '1') AS reads,
  (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object(
       'oid', rw.oid::int8, 'name', rw.rulename::text, 'event', rw.ev_type::text, 'instead', rw.is_instead,
       'conditional', rw.ev_qual::text <> '<>',
       'definition', pg_catalog.pg_get_ruledef(rw.oid),
       'references', (SELECT coalesce(pg_catalog.array_agg(DISTINCT d.refobjid::int8), '{}'::int8[])
          FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = rw.oid
            AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> c.oid)) ORDER BY rw.oid), '[]'::json)
     FROM pg_catalog.pg_rewrite rw WHERE rw.ev_class = c.oid AND rw.ev_type <> '1' AND rw.ev_enabled IN ('O', 'A')) AS rules,
  CASE WHEN listed.routed THEN (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object(
       'oid', con.oid::int8, 'name', con.conname::text, 'references', con.confrelid::int8,
       'on_delete', con.confdeltype::text, 'on_update', con.confupdtype::text,
       'columns', ${columnNames("con.conkey", "con.conrelid")},
       'referenced_columns', ${columnNames("con.confkey", "con.confrelid")},
       'delete_sets', ${setColumns},
       'delete_fires', ${actionFires(8)}, 'update_fires', ${actionFires(16)},
       'default_calls', ${DEFAULT_CALLS}) ORDER BY con.oid), '[]'::json)
     FROM pg_catalog.pg_constraint con WHERE con.conrelid = c.oid AND con.contype = 'f' AND (${WRITING_ACTION}))
  ELSE '[]'::json END AS foreign_keys
FROM listed JOIN pg_catalog.pg_class c ON c.oid = listed.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
ORDER BY c.oid`;
}

/** `tabs`: the configured tables (`req`) and their partitions and children, at any depth. */
const DESCENDANTS = `tabs(oid) AS (
  SELECT oid FROM req
  UNION
  SELECT i.inhrelid FROM tabs JOIN pg_catalog.pg_inherits i ON i.inhparent = tabs.oid
)`;

/**
 * Every user table (ordinary, partitioned, foreign) and view (its own column defaults, rules), for the expressions of the tables a
 * SECURITY DEFINER function's body writes or reads: run as its owner there (the model matches
 * the body's names to these). A table is its own descendant here: every one is listed.
 */
const EVERY_TABLE = `SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`;

/**
 * The functions PostgreSQL runs inside another role's statement on a table, as that role,
 * from expressions stored with the table: column defaults and generated columns (`pg_attrdef`), the default of a column's domain when the column has none, CHECK
 * constraints, the CHECK constraints of the columns' types (a domain, the domains it is based
 * on, an array's elements, a composite's fields, a range's subtype, at any depth), a range
 * type's canonical and subtype-difference functions, index expressions and predicates
 * (exclusion constraints are indexes), extended statistics' expressions (ANALYZE evaluates
 * them, and the indexes', as the table's owner), the WHEN conditions of enabled row triggers, the
 * table's enabled rules, and row-level security policies while row-level security is on.
 * (A partition or child adds its CHECKs, indexes, statistics and trigger conditions to its
 * parent's, which a write through the parent evaluates; its defaults and policies are not the
 * parent's: the model decides.) pg_depend records each function an expression calls, and
 * each operator, whose function (`oprcode`) runs too. Functions in the system schemas are left out, their owner
 * being the bootstrap superuser (pg_depend records nothing on the built-in ones anyway:
 * they are pinned). For every user table (EVERY_TABLE); one row per expression and
 * function: relation, kind, name, command (policies: `polcmd`; trigger conditions: `tgtype`;
 * rules: `ev_type`), function.
 */
const EXPRESSION_FUNCTIONS = `WITH RECURSIVE req AS (${EVERY_TABLE}), tabs AS (SELECT oid FROM req),
column_types(relation, col, typ, own) AS (
  SELECT a.attrelid, a.attname::text, a.atttypid, NOT a.atthasdef FROM pg_catalog.pg_attribute a
  WHERE a.attrelid IN (SELECT oid FROM req) AND a.attnum > 0 AND NOT a.attisdropped
  UNION
  SELECT ct.relation, ct.col, s.typ, ct.own AND s.own FROM column_types ct JOIN pg_catalog.pg_type t ON t.oid = ct.typ
  CROSS JOIN LATERAL (
    SELECT t.typbasetype AS typ, true AS own WHERE t.typtype = 'd'
    UNION ALL SELECT t.typelem, false WHERE t.typcategory = 'A' AND t.typelem <> 0
    UNION ALL SELECT fa.atttypid, false FROM pg_catalog.pg_attribute fa
      WHERE t.typtype = 'c' AND fa.attrelid = t.typrelid AND fa.attnum > 0 AND NOT fa.attisdropped
    UNION ALL SELECT r.rngsubtype, false FROM pg_catalog.pg_range r WHERE t.typtype = 'r' AND r.rngtypid = t.oid
  ) s
),
uses(relation, kind, name, command, classid, objid) AS (
  SELECT ad.adrelid, CASE WHEN a.attgenerated = '' THEN 'default' ELSE 'generated column' END, a.attname::text, NULL::text,
    'pg_catalog.pg_attrdef'::regclass, ad.oid
  FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
  WHERE ad.adrelid IN (SELECT oid FROM req)
  UNION ALL
  SELECT ct.relation, 'domain default', pg_catalog.format_type(t.oid, NULL) || ' on column ' || ct.col, NULL,
    'pg_catalog.pg_type'::regclass, t.oid
  FROM column_types ct JOIN pg_catalog.pg_type t ON t.oid = ct.typ WHERE ct.own AND t.typtype = 'd' AND t.typdefaultbin IS NOT NULL
  UNION ALL
  SELECT con.conrelid, 'check', con.conname::text, NULL, 'pg_catalog.pg_constraint'::regclass, con.oid
  FROM pg_catalog.pg_constraint con WHERE con.contype = 'c' AND con.conrelid IN (SELECT oid FROM tabs)
  UNION ALL
  SELECT ct.relation, 'domain check', con.conname::text || ' of domain ' || pg_catalog.format_type(con.contypid, NULL) || ' on column ' || ct.col, NULL,
    'pg_catalog.pg_constraint'::regclass, con.oid
  FROM column_types ct JOIN pg_catalog.pg_constraint con ON con.contypid = ct.typ AND con.contype = 'c'
  UNION ALL
  SELECT i.indrelid, 'index', ic.relname::text, NULL, 'pg_catalog.pg_class'::regclass, i.indexrelid
  FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid IN (SELECT oid FROM tabs)
  UNION ALL
  SELECT se.stxrelid, 'statistics', se.stxname::text, NULL, 'pg_catalog.pg_statistic_ext'::regclass, se.oid
  FROM pg_catalog.pg_statistic_ext se WHERE se.stxrelid IN (SELECT oid FROM tabs)
  UNION ALL
  SELECT t.tgrelid, 'trigger condition', t.tgname::text, t.tgtype::text, 'pg_catalog.pg_trigger'::regclass, t.oid
  FROM pg_catalog.pg_trigger t
  WHERE t.tgrelid IN (SELECT oid FROM tabs) AND NOT t.tgisinternal AND t.tgenabled IN ('O', 'A') AND t.tgqual IS NOT NULL
  UNION ALL
  SELECT r.ev_class, 'rule', r.rulename::text, r.ev_type::text, 'pg_catalog.pg_rewrite'::regclass, r.oid
  FROM pg_catalog.pg_rewrite r WHERE r.ev_class IN (SELECT oid FROM req) AND r.rulename <> '_RETURN' AND r.ev_enabled IN ('O', 'A')
  UNION ALL
  SELECT pol.polrelid, 'policy', pol.polname::text, pol.polcmd::text, 'pg_catalog.pg_policy'::regclass, pol.oid
  FROM pg_catalog.pg_policy pol JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
  WHERE pol.polrelid IN (SELECT oid FROM req) AND c.relrowsecurity
),
called(relation, kind, name, command, function) AS (
  SELECT u.relation, u.kind, u.name, u.command,
    CASE WHEN d.refclassid = 'pg_catalog.pg_proc'::regclass THEN d.refobjid ELSE o.oprcode END
  FROM uses u JOIN pg_catalog.pg_depend d ON d.classid = u.classid AND d.objid = u.objid
    AND d.refclassid IN ('pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_operator'::regclass)
    -- A trigger depends on its own function too: that one's owner is the trigger-function-owner route.
    AND NOT (u.kind = 'trigger condition' AND d.refobjid = (SELECT t.tgfoid FROM pg_catalog.pg_trigger t WHERE t.oid = u.objid))
  LEFT JOIN pg_catalog.pg_operator o ON d.refclassid = 'pg_catalog.pg_operator'::regclass AND o.oid = d.refobjid
  UNION ALL
  SELECT ct.relation, 'range type', pg_catalog.format_type(r.rngtypid, NULL) || ' on column ' || ct.col, NULL, f.fn
  FROM column_types ct JOIN pg_catalog.pg_range r ON r.rngtypid = ct.typ
  CROSS JOIN LATERAL (VALUES (r.rngcanonical::oid), (r.rngsubdiff::oid)) AS f(fn)
  WHERE f.fn <> 0
)
SELECT DISTINCT c.relation, c.kind, c.name, c.command, p.oid AS function
FROM called c JOIN pg_catalog.pg_proc p ON p.oid = c.function
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')`;

/**
 * The functions every user
 * table's stored expressions call (see the expression query above), with the table's names:
 * those of a configured table run in its writers' statements; those of any other table in the
 * statements a SECURITY DEFINER function's body runs there, as its owner. Every table lists its
 * own defaults, domains, rules and policies as a configured one does; the model takes a
 * partition's or child's CHECKs, indexes, statistics and trigger conditions for its parent.
 * With the table's owner and FORCE ROW LEVEL SECURITY (a policy does not apply to the owner
 * without it), a policy's roles (`polroles`, 0 for PUBLIC), and the table's ancestors, through
 * which a write evaluates its CHECKs, indexes and trigger conditions.
 */
export const EXPRESSION_CALLS_SQL = `SELECT e.relation::int8 AS relation, e.kind, e.name, e.command, e.function::int8 AS function,
  n.nspname::text AS schema, c.relname::text AS table_name, c.relowner::int8 AS table_owner,
  c.relforcerowsecurity AS forced, pol.polroles::int8[] AS roles,
  -- Whether the function's name is in the policy's WITH CHECK and not in its USING: then only
  -- INSERT and UPDATE evaluate it. (A function reached through an operator is named in neither.)
  (pol.polwithcheck IS NOT NULL
    AND pg_catalog.strpos(pg_catalog.lower(pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid)), pg_catalog.lower(fp.proname::text)) > 0
    AND (pol.polqual IS NULL
      OR pg_catalog.strpos(pg_catalog.lower(pg_catalog.pg_get_expr(pol.polqual, pol.polrelid)), pg_catalog.lower(fp.proname::text)) = 0))
    AS check_only,
  (WITH RECURSIVE up(oid) AS (
     SELECT i.inhparent FROM pg_catalog.pg_inherits i WHERE i.inhrelid = e.relation
     UNION SELECT i.inhparent FROM up JOIN pg_catalog.pg_inherits i ON i.inhrelid = up.oid)
   SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('oid', ac.oid::int8, 'schema', an.nspname::text, 'name', ac.relname::text,
       'partitioned', ac.relkind = 'p')), '[]'::json)
   FROM up JOIN pg_catalog.pg_class ac ON ac.oid = up.oid JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace) AS ancestors
FROM (${EXPRESSION_FUNCTIONS}) e
JOIN pg_catalog.pg_class c ON c.oid = e.relation JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_policy pol ON e.kind = 'policy' AND pol.polrelid = e.relation AND pol.polname = e.name
JOIN pg_catalog.pg_proc fp ON fp.oid = e.function
ORDER BY e.relation, e.kind, e.name, e.function`;

/**
 * $1 schemas, $2 table names. Every SECURITY DEFINER function or procedure outside the
 * system schemas, every function a trigger on a configured table calls (or on a table with a
 * writing foreign key: it may run as that table's owner in the key's action), every function a
 * SET DEFAULT key's column defaults call (evaluated as that owner too), every function a
 * user table's stored expressions call (EXPRESSION_FUNCTIONS), and the functions those
 * call, transitively: every function outside the system schemas (not C or internal:
 * their owners cannot change them) whose name the caller's prosrc mentions in any letter
 * case, or that pg_depend records for a SQL-standard body. UNION keeps each function once,
 * so call cycles end. The mention is a coarse filter; the model matches calls exactly. The
 * body is prosrc, or for a SQL-standard body (14+, prosqlbody) its text from
 * pg_get_functiondef, whose relations and functions PostgreSQL also records in pg_depend.
 * With each function, the event triggers that run it (pg_event_trigger is readable by all).
 */
export function functionsSql(serverVersionNum: number): string {
  const sqlStandard = serverVersionNum >= 140000 ? "p.prosqlbody IS NOT NULL" : "false";
  return `WITH RECURSIVE req AS (${REQUESTED_OIDS}),
${DESCENDANTS},
user_operators AS (
  SELECT o.oid, o.oprname::text AS oprname, o.oprcode FROM pg_catalog.pg_operator o
  JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
),
-- The user operators each function uses, worked out once (most databases have none): pg_depend
-- records them for a SQL-standard body; another body is text, so an operator's symbol in it
-- counts (coarse: a user operator spelled like a common one is taken as used wherever that
-- symbol appears, which over-reports).
operator_calls(caller, callee) AS (
  SELECT p.oid, uo.oprcode FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
  JOIN user_operators uo ON pg_catalog.strpos(p.prosrc, uo.oprname) > 0
  WHERE pn.nspname NOT IN ('pg_catalog', 'information_schema')
  UNION
  SELECT od.objid, uo.oprcode FROM pg_catalog.pg_depend od JOIN user_operators uo ON uo.oid = od.refobjid
  WHERE od.classid = 'pg_catalog.pg_proc'::regclass AND od.refclassid = 'pg_catalog.pg_operator'::regclass
),
callable AS (
  SELECT p.oid, pg_catalog.lower(p.proname::text) AS name FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND l.lanname NOT IN ('c', 'internal')
),
fns(oid) AS (
  SELECT p.oid FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  UNION
  SELECT t.tgfoid FROM pg_catalog.pg_trigger t WHERE NOT t.tgisinternal
  UNION
  SELECT d.refobjid FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = con.conrelid AND ad.adnum = ANY(con.conkey)
  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid = ad.oid
    AND d.refclassid = 'pg_catalog.pg_proc'::regclass
  JOIN pg_catalog.pg_proc dp ON dp.oid = d.refobjid JOIN pg_catalog.pg_namespace dn ON dn.oid = dp.pronamespace
  WHERE con.contype = 'f' AND 'd' IN (con.confdeltype, con.confupdtype) AND dn.nspname NOT IN ('pg_catalog', 'information_schema')
  UNION
  SELECT e.function FROM (${EXPRESSION_FUNCTIONS}) e
  UNION
  SELECT reached.oid FROM fns CROSS JOIN LATERAL (
    -- The caller's text lowered once, not once per function it is compared with.
    SELECT callee.oid FROM (SELECT pg_catalog.lower(p.prosrc) AS src FROM pg_catalog.pg_proc p WHERE p.oid = fns.oid) caller
    JOIN callable callee ON callee.oid <> fns.oid AND pg_catalog.strpos(caller.src, callee.name) > 0
    UNION ALL
    SELECT callee.oid FROM pg_catalog.pg_depend d JOIN callable callee ON callee.oid = d.refobjid
    WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = fns.oid AND d.refclassid = 'pg_catalog.pg_proc'::regclass
      AND d.refobjid <> fns.oid
    UNION ALL
    SELECT oc.callee FROM operator_calls oc WHERE oc.caller = fns.oid
  ) reached
)
SELECT p.oid::int8 AS oid, n.nspname::text AS schema, p.proname::text AS name,
  pg_catalog.pg_get_function_identity_arguments(p.oid) AS args, p.prokind::text AS kind, p.proowner::int8 AS owner,
  p.prosecdef AS security_definer,
  p.prorettype IN ('pg_catalog.trigger'::pg_catalog.regtype, 'pg_catalog.event_trigger'::pg_catalog.regtype) AS trigger,
  ${aclJson("coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))")} AS acl,
  coalesce(p.proconfig, '{}'::text[]) AS config, l.lanname::text AS language,
  CASE WHEN ${sqlStandard} THEN pg_catalog.pg_get_functiondef(p.oid) ELSE p.prosrc END AS body,
  (${sqlStandard}) AS sql_standard,
  (SELECT coalesce(pg_catalog.array_agg(DISTINCT d.refobjid::int8), '{}'::int8[])
     FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
       AND d.refclassid = 'pg_catalog.pg_class'::regclass) AS references,
  (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.oid::int8), '{}'::int8[]) FROM (
     SELECT d.refobjid AS oid FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
       AND d.refclassid = 'pg_catalog.pg_proc'::regclass
     UNION SELECT oc.callee FROM operator_calls oc WHERE oc.caller = p.oid) c WHERE c.oid <> p.oid) AS calls,
  (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('name', e.evtname::text, 'event', e.evtevent::text,
       'enabled', e.evtenabled::text) ORDER BY e.oid), '[]'::json)
     FROM pg_catalog.pg_event_trigger e WHERE e.evtfoid = p.oid) AS event_triggers
FROM fns JOIN pg_catalog.pg_proc p ON p.oid = fns.oid
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
ORDER BY p.oid`;
}

/**
 * $1 schemas, $2 table names (kept for the statement's shape). Every user trigger, with its
 * table's names: those on a configured table and its partitions and children run in the
 * workers' writes, SECURITY DEFINER ones in anyone's, those on a table with a writing foreign
 * key in the key's action, and any other in the writes a SECURITY DEFINER function makes, as
 * its owner. A database has few triggers next to its functions.
 */
export const TRIGGERS_SQL = `WITH RECURSIVE req AS (${REQUESTED_OIDS}),
${DESCENDANTS}
SELECT t.tgname::text AS name, t.tgrelid::int8 AS relation, t.tgfoid::int8 AS function, t.tgtype::int AS type,
  t.tgenabled::text AS enabled, t.tgparentid <> 0 AS cloned, t.tgqual IS NOT NULL AS conditional, tn.nspname::text AS schema, tc.relname::text AS table_name,
  (WITH RECURSIVE up(oid) AS (
     SELECT i.inhparent FROM pg_catalog.pg_inherits i WHERE i.inhrelid = t.tgrelid
     UNION SELECT i.inhparent FROM up JOIN pg_catalog.pg_inherits i ON i.inhrelid = up.oid)
   SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('oid', ac.oid::int8, 'schema', an.nspname::text, 'name', ac.relname::text,
       'partitioned', ac.relkind = 'p')), '[]'::json)
   FROM up JOIN pg_catalog.pg_class ac ON ac.oid = up.oid JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace) AS ancestors,
  (SELECT coalesce(pg_catalog.json_agg(a.attname::text ORDER BY k.ord), '[]'::json)
     FROM unnest(t.tgattr::int2[]) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum) AS columns
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class tc ON tc.oid = t.tgrelid JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
WHERE NOT t.tgisinternal
ORDER BY t.oid`;
