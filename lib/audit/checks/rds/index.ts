import type { Check } from "../types.js";

export const rdsChecks: Check[] = [];
