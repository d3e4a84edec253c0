import type { Check } from "../types.js";
import { redisDangerousCommands } from "./redis-dangerous-commands.js";
import { redisDefaultUserOpen } from "./redis-default-user-open.js";
import { redisExcessAccess } from "./redis-excess-access.js";
import { redisNopassUser } from "./redis-nopass-user.js";
import { redisPlaintext } from "./redis-plaintext.js";
import { redisUnauthenticated } from "./redis-unauthenticated.js";
import { redisUnexpectedUser } from "./redis-unexpected-user.js";
import { redisWeakPassword } from "./redis-weak-password.js";

export const redisChecks: Check[] = [
  redisUnauthenticated,
  redisPlaintext,
  redisDefaultUserOpen,
  redisUnexpectedUser,
  redisExcessAccess,
  redisDangerousCommands,
  redisNopassUser,
  redisWeakPassword,
];
