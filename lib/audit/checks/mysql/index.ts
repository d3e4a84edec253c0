import type { Check } from "../types.js";
import { mysqlAccountWithoutPassword } from "./mysql-account-without-password.js";
import { mysqlAuditorOverprivileged } from "./mysql-auditor-overprivileged.js";
import { mysqlExcessPrivilege } from "./mysql-excess-privilege.js";
import { mysqlMissingPrivilege } from "./mysql-missing-privilege.js";
import { mysqlSuperuserAccounts } from "./mysql-superuser-accounts.js";
import { mysqlTlsNotRequired } from "./mysql-tls-not-required.js";
import { mysqlUnexpectedPrincipal } from "./mysql-unexpected-principal.js";
import { mysqlWildcardAccount } from "./mysql-wildcard-account.js";

/** In catalog order. */
export const mysqlChecks: Check[] = [
  mysqlUnexpectedPrincipal,
  mysqlExcessPrivilege,
  mysqlMissingPrivilege,
  mysqlWildcardAccount,
  mysqlAccountWithoutPassword,
  mysqlSuperuserAccounts,
  mysqlTlsNotRequired,
  mysqlAuditorOverprivileged,
];
