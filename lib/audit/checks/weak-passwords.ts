/**
 * The verdicts of a weak-password trial (docs/weak-passwords.md), shared by
 * redis-weak-password and pg-weak-password: a user that accepted a listed (or any) password
 * is a FAIL with that user as subject, a user whose trial did not finish an ERROR, users
 * beyond the bound an ERROR, and otherwise one PASS naming the list, the pace and the users.
 * Which password matched is not in the observation, so it cannot reach a finding.
 */
import type { CheckResult, Fix, ObservationError, ResourceRef } from "../findings/model.js";
import type { WeakPasswordObservation } from "../probes/weak-passwords.js";
import type { CheckId } from "./ids.js";
import { fail, pass, unobserved } from "./results.js";

export interface TrialSubject {
  checkId: CheckId;
  resource: ResourceRef;
  /** The target's name and `host:port`. */
  target: string;
  where: string;
  /** `user` / `role`. */
  noun: string;
  /** A name chosen by others, made safe for a message. */
  shown: (name: string) => string;
  fix: (user: string) => Fix;
  /** The cause when the probe brought no trial. */
  missing: ObservationError;
}

export function trialResults(s: TrialSubject, trial: WeakPasswordObservation | undefined): CheckResult[] {
  const what = `which ${s.noun}s of ${s.target} accept a listed password`;
  if (!trial || trial.error) return [unobserved(s.checkId, s.resource, trial?.error ?? s.missing, what)];
  const out: CheckResult[] = [];
  for (const u of trial.users) {
    const name = s.shown(u.user);
    if (u.outcome === "weak" || u.outcome === "any-password") {
      const how =
        u.outcome === "weak"
          ? "a password from the documented weak-password list (docs/weak-passwords.md) logged in as it"
          : "a random password logged in as it: it accepts any password";
      out.push({
        ...fail(
          s.checkId,
          s.resource,
          u.user,
          `${s.noun === "role" ? "Role" : "User"} ${name} of ${s.target}: ${how}. Anyone who reaches ${s.where} can be this ${s.noun}.`,
          {
            [s.noun]: name,
            outcome: u.outcome,
            attempts: u.attempts,
            listSize: trial.listSize,
          },
        ),
        fix: s.fix(u.user),
      });
    } else if (u.outcome === "error") {
      const cause = u.error ?? { source: s.where, reason: "the trial did not finish", code: "TrialError" };
      out.push(unobserved(s.checkId, s.resource, cause, `whether ${s.noun} ${name} of ${s.target} accepts a listed password`, u.user));
    }
  }
  if (trial.notTried?.length) {
    const cause = {
      source: s.where,
      reason: `${trial.notTried.length} ${s.noun}(s) beyond the first ${trial.users.length} were not tried (${trial.notTried.slice(0, 5).map(s.shown).join(", ")})`,
      code: "TooManyUsers",
    };
    out.push(unobserved(s.checkId, s.resource, cause, what));
  }
  if (out.length > 0) return out;
  const strong = trial.users.filter((u) => u.outcome === "strong").map((u) => s.shown(u.user));
  const closed = trial.users.filter((u) => u.outcome === "cannot-login").map((u) => s.shown(u.user));
  const tried = strong.length > 0 ? `none of ${strong.join(", ")} accepted` : `no ${s.noun} to try`;
  return [
    pass(
      s.checkId,
      s.resource,
      `${s.target}: tried the ${trial.listSize}-password list of docs/weak-passwords.md (and a random password) ${trial.paceMs} ms apart: ${tried}${closed.length ? `; ${closed.join(", ")} cannot log in` : ""}.`,
      {
        paceMs: trial.paceMs,
        listSize: trial.listSize,
        [`${s.noun}s`]: trial.users.map((u) => ({ [s.noun]: s.shown(u.user), outcome: u.outcome, attempts: u.attempts })),
      },
    ),
  ];
}
