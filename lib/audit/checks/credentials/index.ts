import type { Check } from "../types.js";

export const credentialChecks: Check[] = [];
