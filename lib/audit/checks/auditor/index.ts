import type { Check } from "../types.js";
import { auditError } from "./audit-error.js";
import { cloudtrailManagementEventsOff } from "./cloudtrail-management-events-off.js";

export const auditorChecks: Check[] = [auditError, cloudtrailManagementEventsOff];
