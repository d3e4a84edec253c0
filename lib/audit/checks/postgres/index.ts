import type { Check } from "../types.js";
import { pgAuditorOverprivileged } from "./pg-auditor-overprivileged.js";
import { pgDefaultPrivileges } from "./pg-default-privileges.js";
import { pgExcessPrivilege } from "./pg-excess-privilege.js";
import { pgMissingPrivilege } from "./pg-missing-privilege.js";
import { pgPublicPrivilege } from "./pg-public-privilege.js";
import { pgPublicSchemaCreate } from "./pg-public-schema-create.js";
import { pgRuntimeRoleOwnsTable } from "./pg-runtime-role-owns-table.js";
import { pgSuperuserRoles } from "./pg-superuser-roles.js";
import { pgUnexpectedPrincipal } from "./pg-unexpected-principal.js";
import { pgUnsafeDefinerFunction } from "./pg-unsafe-definer-function.js";
import { pgWeakPassword } from "./pg-weak-password.js";

/** In CHECKS.md order. */
export const postgresChecks: Check[] = [
  pgPublicPrivilege,
  pgUnexpectedPrincipal,
  pgExcessPrivilege,
  pgMissingPrivilege,
  pgRuntimeRoleOwnsTable,
  pgDefaultPrivileges,
  pgPublicSchemaCreate,
  pgSuperuserRoles,
  pgAuditorOverprivileged,
  pgUnsafeDefinerFunction,
  pgWeakPassword,
];
