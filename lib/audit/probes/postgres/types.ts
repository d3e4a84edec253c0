import type { ObservationError } from "../../model/observation.js";

/**
 * What the PostgreSQL probe observed of one `postgres[]` target: plain data read from the
 * catalogs in one read-only transaction, so the effective-access computation and the
 * checks never need a connection.
 */
export interface PostgresObservation {
  /** The config target's `name`. */
  target: string;
  /** Set when the database could not be observed; `catalog` is then absent. */
  error?: ObservationError;
  catalog?: PgCatalog;
}

/** One entry of an exploded ACL (`aclexplode()`); grantee 0 is PUBLIC. */
export interface PgAclItem {
  grantee: number;
  grantor: number;
  /** `SELECT`, `INSERT`, … `MAINTAIN`, `USAGE`, `CREATE`, as aclexplode spells them. */
  privilege: string;
  grantable: boolean;
}

export interface PgRole {
  oid: number;
  /** As the catalog spells it (no quotes). */
  name: string;
  login: boolean;
  superuser: boolean;
  /** The INHERIT attribute. Before 16 it decides inheritance; from 16 only the default of new grants. */
  inherit: boolean;
  bypassrls: boolean;
  /**
   * The CREATEROLE attribute. Before 16 it lets the role grant itself any non-superuser
   * role; from 16 it needs ADMIN OPTION on the role. Absent in hand-built catalogs means false.
   */
  createrole?: boolean;
}

/**
 * One membership grant `GRANT role TO member`. Before 16 the options are derived:
 * inherit = the member's INHERIT attribute, set = true. From 16 several grantors may grant
 * the same membership; the probe merges them (an option holds when any grant has it).
 */
export interface PgMembership {
  member: number;
  role: number;
  /** WITH ADMIN OPTION: the member may grant `role` to anyone, itself included. */
  admin: boolean;
  inherit: boolean;
  set: boolean;
}

export interface PgColumnAcl {
  column: string;
  acl: PgAclItem[];
}

/** A sequence owned by a table: a serial (`pg_depend` deptype 'a') or identity ('i') column's. */
export interface PgSequence {
  oid: number;
  schema: string;
  name: string;
  owner: number;
  /** The owning column. */
  column: string | null;
  /** The effective ACL: `acldefault()` when the catalog holds NULL. */
  acl: PgAclItem[];
}

export interface PgTable {
  /** As requested by the config. */
  schema: string;
  name: string;
  found: boolean;
  oid?: number;
  owner?: number;
  /** `pg_class.relkind`: r table, p partitioned, v view, m materialized view, f foreign. */
  relkind?: string;
  /** The effective ACL: `acldefault()` when the catalog holds NULL. */
  acl: PgAclItem[];
  columnAcls: PgColumnAcl[];
  sequences: PgSequence[];
}

export interface PgSchema {
  name: string;
  found: boolean;
  oid?: number;
  owner?: number;
  acl: PgAclItem[];
}

/** A `pg_default_acl` row: privileges given to objects `role` creates later. */
export interface PgDefaultAcl {
  /** The role whose future objects get these privileges. */
  role: number;
  /** The schema, or null for a database-wide entry. */
  schema: string | null;
  /** r tables, S sequences, f functions, T types, n schemas. */
  objectType: string;
  acl: PgAclItem[];
}

export interface PgCatalog {
  /** `server_version_num`, e.g. 150020 or 180004. */
  serverVersionNum: number;
  database: string;
  /** The auditor's own role (`current_user`). */
  currentUser: string;
  roles: PgRole[];
  memberships: PgMembership[];
  /** The configured tables, in config order, found or not. */
  tables: PgTable[];
  /** The schemas of the configured tables. */
  schemas: PgSchema[];
  /** Default ACLs in those schemas, and database-wide ones. */
  defaultAcls: PgDefaultAcl[];
}

export const PUBLIC_OID = 0;
