/** CIDR containment for allow-lists: is a rule's CIDR inside one of the approved blocks? */
import ipaddr from "ipaddr.js";

type Parsed = [ipaddr.IPv4 | ipaddr.IPv6, number];

const cache = new Map<string, Parsed | null>();

/** Parses a CIDR once; null when it is not one. IPv4-mapped IPv6 is compared as IPv6. */
export function parseCidr(cidr: string): Parsed | null {
  let parsed = cache.get(cidr);
  if (parsed === undefined) {
    try {
      parsed = ipaddr.parseCIDR(cidr) as Parsed;
    } catch {
      parsed = null;
    }
    cache.set(cidr, parsed);
  }
  return parsed;
}

export const WORLD_CIDRS = new Set(["0.0.0.0/0", "::/0"]);

export function isWorld(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  return WORLD_CIDRS.has(cidr) || (parsed !== null && parsed[1] === 0);
}

/** True when every address of `inner` is inside `outer` (same family). */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  if (!a || !b || a[0].kind() !== b[0].kind()) return false;
  return a[1] >= b[1] && a[0].match(b[0] as never, b[1]);
}

const allowLists = new WeakMap<readonly string[], (cidr: string) => string | undefined>();

/**
 * A compiled allow-list, so a large estate does not re-parse it per rule; one per list (the
 * config's), whoever asks for it: its answers are remembered for the whole audit.
 */
export function cidrAllowList(allowed: readonly string[]): (cidr: string) => string | undefined {
  let list = allowLists.get(allowed);
  if (!list) {
    list = compileAllowList(allowed);
    allowLists.set(allowed, list);
  }
  return list;
}

function compileAllowList(allowed: readonly string[]): (cidr: string) => string | undefined {
  const results = new Map<string, string | undefined>();
  return (cidr) => {
    if (results.has(cidr)) return results.get(cidr);
    const match = allowed.find((block) => cidrWithin(cidr, block));
    results.set(cidr, match);
    return match;
  };
}
