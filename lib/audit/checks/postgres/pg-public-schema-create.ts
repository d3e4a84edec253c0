import { PUBLIC_OID } from "../../probes/postgres/types.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { eachSchema } from "./targets.js";

export const pgPublicSchemaCreate: Check = {
  meta: {
    id: "pg-public-schema-create",
    title: "Anyone can create objects in the queue table's schema",
    severity: "medium",
    resourceType: "PostgreSQL::Schema",
    rationale:
      "With CREATE on the schema, any role can plant functions, operators or tables that shadow the ones the application resolves through search_path (CVE-2018-1058), and run code as the workers or the migration role. New databases since PostgreSQL 15 no longer allow it; upgraded ones often still do.",
    remediation: "`REVOKE CREATE ON SCHEMA public FROM PUBLIC;`",
    references: ["CVE-2018-1058", "https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATTERNS"],
  },
  evaluate(ctx) {
    return eachSchema(ctx, "pg-public-schema-create", "schema privileges", (_view, schema, resource) => {
      const open = schema.acl.some((a) => a.grantee === PUBLIC_OID && a.privilege === "CREATE");
      return open
        ? [
            fail("pg-public-schema-create", resource, "PUBLIC", `PUBLIC has CREATE on schema ${schema.name}: revoke it.`, {
              privileges: schema.acl.filter((a) => a.grantee === PUBLIC_OID).map((a) => a.privilege),
            }),
          ]
        : [pass("pg-public-schema-create", resource, `PUBLIC cannot create objects in schema ${schema.name}.`)];
    });
  },
};
