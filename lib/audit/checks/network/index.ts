import type { Check } from "../types.js";

export const networkChecks: Check[] = [];
