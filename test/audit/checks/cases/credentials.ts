/** In-memory cases of secret-rotation-disabled: the queue database's secret as Secrets Manager describes it. */
import { config, context, inventory, partition, secret } from "../../../support/builders.js";
import type { FamilyCases } from "./case.js";

const cfg = config({ credentials: { maxAgeDays: 90, secrets: ["queue-db/app"] } });
const withSecret = (overrides: Record<string, unknown>) => () =>
  context(cfg, inventory(partition({ secrets: { "queue-db/app": secret("queue-db/app", overrides) } })));

export const credentialsCases: FamilyCases = {
  "secret-rotation-disabled": {
    fail: {
      given: "rotation turned off on the queue database's secret",
      context: withSecret({ RotationEnabled: false }),
      resource: "queue-db/app",
    },
    pass: { given: "a secret rotated every 30 days, last 12 days before capture", context: withSecret({}), resource: "queue-db/app" },
  },
};
