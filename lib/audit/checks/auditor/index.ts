import type { Check } from "../types.js";

export const auditorChecks: Check[] = [];
