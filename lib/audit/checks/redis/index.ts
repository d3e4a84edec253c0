import type { Check } from "../types.js";

export const redisChecks: Check[] = [];
