/**
 * What the hidden-trigger and hidden-event ERRORs share: the accounts a risk names, kept to
 * those the check judges (with what would count against each), and a short list for a message.
 */

/** A risk that names login accounts and what each would gain. */
export interface AccountsAtRisk {
  accounts: { account: string; gains: string[] }[];
}

export type Judge = (account: string, gains: readonly string[]) => string[];

/** Each risk with the gains `judged` counts against its accounts; risks left with none dropped. */
export function judgedRisks<R extends AccountsAtRisk>(risks: readonly R[], judged: Judge): R[] {
  return risks
    .map((r) => ({
      ...r,
      accounts: r.accounts.map((a) => ({ ...a, gains: judged(a.account, a.gains) })).filter((a) => a.gains.length > 0),
    }))
    .filter((r) => r.accounts.length > 0);
}

const LISTED = 5;

/** Up to five names, then how many more. */
export const listed = (names: readonly string[]): string =>
  names.length > LISTED ? `${names.slice(0, LISTED).join(", ")} and ${names.length - LISTED} more` : names.join(", ");
