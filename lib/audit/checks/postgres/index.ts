import type { Check } from "../types.js";

export const postgresChecks: Check[] = [];
