/** What the four access checks share: the PASS evidence, ERROR results, and the per-user loop. */
import type { CheckResult } from "../../../findings/model.js";
import { unobserved } from "../../results.js";
import { describeAccess } from "./access.js";
import { type JudgedTarget, type JudgedUser, roleOf } from "./judged.js";
import { shownName } from "./quote.js";

/** The words a message uses for what the queue keys hold. */
export const PAYLOAD_NOTE = "the queue keys hold job payloads, whose arguments may carry secrets";

/** What every principal and admin can do, for PASS findings: evidence that the control operated. */
export function accessEvidence(t: Extract<JudgedTarget, { ok: true }>): Record<string, unknown> {
  const users = Object.fromEntries(
    t.users.map(({ user, access, userId }) => [
      user.name,
      {
        role: roleOf(t.target, user.name),
        on: user.on,
        ...(userId ? { userId } : {}),
        can: user.on ? describeAccess(access) : "nothing (off: cannot log in)",
        ...(access.read ? { read: access.read } : {}),
        ...(access.write ? { write: access.write } : {}),
        ...(access.dangerous.length > 0 ? { dangerous: access.dangerous } : {}),
      },
    ]),
  );
  return { source: t.source.description, commandTable: t.source.commandTable, queueKeys: t.target.keys, users };
}

/** ERROR results for a target whose ACL was not read, or for users whose rules could not be read. */
export function unreadResults(checkId: string, t: JudgedTarget, what: string): CheckResult[] {
  if (!t.ok) return [unobserved(checkId, t.resource, t.error, `${what} on ${t.target.name}`)];
  return t.unreadable.map((u) =>
    unobserved(
      checkId,
      t.resource,
      { source: t.source.description, reason: `the rules of user ${shownName(u.name)} could not be read: ${u.reason}`, code: "AclRule" },
      `${what} for user ${shownName(u.name)}`,
      u.name,
    ),
  );
}

/** Enabled users: an `off` user cannot authenticate, so it opens no new session to the queue. */
export function enabledUsers(t: Extract<JudgedTarget, { ok: true }>): JudgedUser[] {
  return t.users.filter((u) => u.user.on);
}
