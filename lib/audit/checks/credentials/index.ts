import type { Check } from "../types.js";
import { secretRotationDisabled } from "./secret-rotation-disabled.js";

export const credentialChecks: Check[] = [secretRotationDisabled];
