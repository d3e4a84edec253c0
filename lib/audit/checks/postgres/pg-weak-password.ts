import type { CheckResult } from "../../findings/model.js";
import { escapeControls } from "../../model/escape.js";
import { unobserved } from "../results.js";
import type { Check } from "../types.js";
import { trialResults } from "../weak-passwords.js";
import { quoteIdent } from "./sql.js";
import { databaseRef } from "./targets.js";

const ID = "pg-weak-password";

/** A role name for a message: as is when plain, else JSON-quoted with controls escaped. */
const shownRole = (name: string) => (/^[A-Za-z0-9_.$-]{1,63}$/.test(name) ? name : JSON.stringify(escapeControls(name)));

export const pgWeakPassword: Check = {
  meta: {
    id: ID,
    title: "PostgreSQL role with a default or common password",
    severity: "critical",
    resourceType: "PostgreSQL::Database",
    rationale:
      "A password from the short public list every scanner tries first (the role's own name, `password`, `postgres`, `changeme`, …) is no password: anyone who reaches the port logs in as the role within seconds and has its access to the queue. A role that accepts any password has `trust` in pg_hba.conf. Only checked with `probe.weakPasswords: true`; which password matched is never recorded.",
    remediation:
      "Set a long random password now, from your secret store (`ALTER ROLE name PASSWORD '…'` with `password_encryption = scram-sha-256`; on RDS the master user through `aws rds modify-db-instance --master-user-password` or a managed secret), update its clients, replace `trust` lines in pg_hba.conf, and look in pg-access-attempts for who may already have used it.",
    references: [
      "https://www.postgresql.org/docs/current/auth-password.html",
      "https://www.postgresql.org/docs/current/auth-pg-hba-conf.html",
      "docs/weak-passwords.md (the list, the pace, what the server's log shows)",
    ],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const target of ctx.config.postgres) {
      if (!target.probe?.weakPasswords) continue;
      const resource = databaseRef(target.name);
      const where = `${target.connection.host}:${target.connection.port}`;
      const observation = ctx.observations.postgres.find((o) => o.target === target.name);
      if (!observation) {
        const cause = { source: `postgres:${target.name}`, reason: `PostgreSQL target ${target.name} was not probed`, code: "NotProbed" };
        out.push(unobserved(ID, resource, cause, `which roles of ${target.name} accept a listed password`));
        continue;
      }
      out.push(
        ...trialResults(
          {
            checkId: ID,
            resource,
            target: target.name,
            where,
            noun: "role",
            shown: shownRole,
            fix: (role) => ({
              kind: "manual",
              text: `Give ${shownRole(role)} a long random password from your secret store (ALTER ROLE ${escapeControls(quoteIdent(role))} PASSWORD '…'; never in a shell history), update its clients, and remove any trust line for it from pg_hba.conf.`,
              commands: [],
            }),
            missing: {
              source: `postgres:${target.name}`,
              reason: `the probe of ${target.name} did not try the weak-password list`,
              code: "NotProbed",
            },
          },
          observation.weakPasswords,
        ),
      );
    }
    return out;
  },
};
