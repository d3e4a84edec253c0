import type { Check } from "../types.js";

export const elasticacheChecks: Check[] = [];
