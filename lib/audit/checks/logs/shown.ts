/**
 * Names taken from log lines (user names, addresses, table names) are whatever a client
 * sent: an attacker chooses them. In a message they appear as is only when plain; anything
 * else is JSON-quoted, with line separators and bidirectional overrides escaped too.
 */
const PLAIN = /^[A-Za-z0-9_.:@+\-/[\]]{1,128}$/;
const UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function shown(name: string): string {
  if (PLAIN.test(name)) return name;
  const clipped = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return JSON.stringify(clipped).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A client address for a message: `none` (a placeholder of ours, never quoted) when the log does not say. */
export function shownAddress(address: string, none: string): string {
  return address ? shown(address) : none;
}

/** How many entries of a list a message names; the evidence keeps more. */
export const NAMED = 5;

/** What a message adds after the `NAMED` entries it names of a list of `total`: how many it left out. */
export function andMore(total: number): string {
  return total > NAMED ? ` and ${total - NAMED} more` : "";
}
