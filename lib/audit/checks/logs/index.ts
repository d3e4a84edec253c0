import type { Check } from "../types.js";
import { pgAccessAttempts } from "./pg-access-attempts.js";
import { redisAccessAttempts } from "./redis-access-attempts.js";

/** Who tried: access attempts read from the backends' own logs. */
export const accessAttemptChecks: Check[] = [pgAccessAttempts, redisAccessAttempts];
