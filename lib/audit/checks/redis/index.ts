import type { Check } from "../types.js";
import { redisDefaultUserOpen } from "./redis-default-user-open.js";
import { redisPlaintext } from "./redis-plaintext.js";
import { redisUnauthenticated } from "./redis-unauthenticated.js";

export const redisChecks: Check[] = [redisUnauthenticated, redisPlaintext, redisDefaultUserOpen];
