/**
 * Sets of IP addresses as sorted, disjoint [first, last] ranges, one list per family: what
 * NACL evaluation needs to say "the addresses rule 120 still decides after rules 100-110"
 * and "the part of it outside network.allowedCidrs".
 */
import { parseCidr } from "./cidr.js";

export type Family = 4 | 6;
export type Range = readonly [bigint, bigint];
export type RangeSet = readonly Range[];

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function fullSet(family: Family): RangeSet {
  return [[0n, (1n << BigInt(BITS[family])) - 1n]];
}

/** The family and address range of a CIDR; undefined when it is not one. */
export function cidrRange(cidr: string): { family: Family; range: Range } | undefined {
  // Every backend's reachability asks about the same few CIDRs.
  if (ranges.has(cidr)) return ranges.get(cidr);
  const result = computeRange(cidr);
  ranges.set(cidr, result);
  return result;
}

const ranges = new Map<string, { family: Family; range: Range } | undefined>();

function computeRange(cidr: string): { family: Family; range: Range } | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed) return undefined;
  const [address, prefix] = parsed;
  const family: Family = address.kind() === "ipv4" ? 4 : 6;
  const bits = BITS[family];
  let value = 0n;
  for (const byte of address.toByteArray()) value = (value << 8n) | BigInt(byte);
  const hostBits = BigInt(bits - prefix);
  const first = (value >> hostBits) << hostBits;
  return { family, range: [first, first + (1n << hostBits) - 1n] };
}

export function intersect(set: RangeSet, [lo, hi]: Range): RangeSet {
  const out: Range[] = [];
  for (const [a, b] of set) {
    const from = a > lo ? a : lo;
    const to = b < hi ? b : hi;
    if (from <= to) out.push([from, to]);
  }
  return out;
}

export function subtract(set: RangeSet, [lo, hi]: Range): RangeSet {
  const out: Range[] = [];
  for (const [a, b] of set) {
    if (b < lo || a > hi) {
      out.push([a, b]);
      continue;
    }
    if (a < lo) out.push([a, lo - 1n]);
    if (b > hi) out.push([hi + 1n, b]);
  }
  return out;
}

export function subtractAll(set: RangeSet, ranges: readonly Range[]): RangeSet {
  return ranges.reduce<RangeSet>((rest, r) => subtract(rest, r), set);
}

export const isEmpty = (set: RangeSet): boolean => set.length === 0;

/** Number of addresses, for evidence ("65,536 addresses outside the approved ranges"). */
export function size(set: RangeSet): bigint {
  return set.reduce((n, [a, b]) => n + (b - a + 1n), 0n);
}
