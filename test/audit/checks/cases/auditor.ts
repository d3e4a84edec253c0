/** In-memory cases of audit-error: a configured target the inventory does not hold, and one it does. */
import { config, context, dbInstance, inventory, ok, partition } from "../../../support/builders.js";
import type { FamilyCases } from "./case.js";

const cfg = config({ targets: { rds: ["queue-db"] } });

export const auditorCases: FamilyCases = {
  "audit-error": {
    error: {
      given: "a configured RDS target the inventory does not hold",
      context: () => context(cfg, inventory(partition({ dbInstances: ok([dbInstance("other-db")]) }))),
      resource: "targets/queue-db",
      subject: "queue-db",
    },
    silent: {
      given: "the configured RDS target in the inventory, every part observed",
      context: () => context(cfg, inventory(partition({ dbInstances: ok([dbInstance("queue-db")]) }))),
    },
  },
};
