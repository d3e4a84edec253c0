/**
 * The MySQL/MariaDB privileges that use or damage an existing table (CREATE, CREATE VIEW and
 * SHOW VIEW do not): what a policy may allow and what the access model counts. One list for both.
 */
export const MYSQL_TABLE_PRIVILEGES = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "REFERENCES",
  "INDEX",
  "ALTER",
  "DROP",
  "TRIGGER",
  "DELETE HISTORY",
  "GRANT OPTION",
] as const;
