import type { Check } from "../types.js";
import { auditError } from "./audit-error.js";

export const auditorChecks: Check[] = [auditError];
