/**
 * Network ACL semantics for one TCP port: entries of one direction are read in ascending
 * rule number, and the first entry whose protocol, port range and CIDR match a packet
 * decides it (allow or deny); what no entry matches is denied (the `*` rule, 32767 for
 * IPv4 and 32768 for IPv6, is in the entries anyway). Protocol `-1` matches everything,
 * `6` is TCP; other protocols never carry a TCP connection. Evaluated on address ranges,
 * so "rule 120 decides what rules 100-110 left" is exact, IPv4 and IPv6 alike.
 *
 * NACLs are stateless: the replies of an admitted connection leave through the outbound
 * entries, to the client's ephemeral port. That decides whether a client can complete a
 * connection, not whether it can reach the port, so it is reported as information only.
 */
import type { WireNetworkAcl } from "../../inventory/types.js";
import { cidrRange, type Family, fullSet, intersect, isEmpty, type Range, type RangeSet, subtract, subtractAll } from "./ranges.js";

type Entry = NonNullable<WireNetworkAcl["Entries"]>[number];

export interface NaclRule {
  ruleNumber: number;
  action: "allow" | "deny";
  cidr: string;
  protocol: string;
  portRange?: { from: number; to: number };
}

/** An allow entry and the addresses it actually decides (what earlier entries left undecided). */
export interface Admission {
  rule: NaclRule;
  family: Family;
  decided: RangeSet;
}

const ruleOf = (e: Entry): NaclRule => ({
  ruleNumber: e.RuleNumber ?? 0,
  action: e.RuleAction === "allow" ? "allow" : "deny",
  cidr: e.CidrBlock ?? e.Ipv6CidrBlock ?? "",
  protocol: String(e.Protocol ?? ""),
  ...(e.PortRange && e.PortRange.From !== undefined && e.PortRange.To !== undefined
    ? { portRange: { from: e.PortRange.From, to: e.PortRange.To } }
    : {}),
});

/** Whether an entry of this protocol and port range applies to TCP `port`. */
export function matchesTcpPort(rule: NaclRule, port: number): boolean {
  const protocol = rule.protocol.toLowerCase();
  if (protocol === "-1" || protocol === "all") return true;
  if (protocol !== "6" && protocol !== "tcp") return false;
  if (!rule.portRange) return true;
  return rule.portRange.from <= port && port <= rule.portRange.to;
}

const entryCache = new WeakMap<WireNetworkAcl, { inbound?: readonly NaclRule[]; outbound?: readonly NaclRule[] }>();

/** The entries of one direction in rule order; read once per ACL and shared (callers must not change the list). */
export function entriesOf(acl: WireNetworkAcl, egress: boolean): readonly NaclRule[] {
  let cached = entryCache.get(acl);
  if (!cached) {
    cached = {};
    entryCache.set(acl, cached);
  }
  const key = egress ? "outbound" : "inbound";
  let entries = cached[key];
  if (!entries) {
    entries = sortedEntries(acl, egress);
    cached[key] = entries;
  }
  return entries;
}

function sortedEntries(acl: WireNetworkAcl, egress: boolean): NaclRule[] {
  return (acl.Entries ?? [])
    .filter((e) => (e.Egress ?? false) === egress)
    .map(ruleOf)
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
}

/** Admissions by ACL, direction and port: one ACL serves every backend in its subnets. */
const admissionCache = new WeakMap<WireNetworkAcl, Map<number, readonly Admission[]>>();

/**
 * The entries that admit TCP `port` in this direction, each with the addresses it decides.
 * Computed once per ACL, direction and port, and shared: callers must not change the list.
 */
export function admissions(acl: WireNetworkAcl, port: number, egress = false): readonly Admission[] {
  let byPort = admissionCache.get(acl);
  if (!byPort) {
    byPort = new Map();
    admissionCache.set(acl, byPort);
  }
  // Ports are 0-65535: the sign carries the direction.
  const key = egress ? -1 - port : port;
  let out = byPort.get(key);
  if (!out) {
    out = computeAdmissions(acl, port, egress);
    byPort.set(key, out);
  }
  return out;
}

function computeAdmissions(acl: WireNetworkAcl, port: number, egress: boolean): Admission[] {
  const undecided: Record<Family, RangeSet> = { 4: fullSet(4), 6: fullSet(6) };
  const out: Admission[] = [];
  for (const rule of entriesOf(acl, egress)) {
    if (!matchesTcpPort(rule, port)) continue;
    const parsed = cidrRange(rule.cidr);
    if (!parsed) continue;
    const decided = intersect(undecided[parsed.family], parsed.range);
    if (isEmpty(decided)) continue; // shadowed: earlier entries decided all of it
    if (rule.action === "allow") out.push({ rule, family: parsed.family, decided });
    undecided[parsed.family] = subtract(undecided[parsed.family], parsed.range);
  }
  return out;
}

/** The part of an admission outside the approved ranges (empty: all of it is approved). */
export function outsideApproved(admission: Admission, approved: readonly string[]): RangeSet {
  const ranges: Range[] = [];
  for (const cidr of approved) {
    const parsed = cidrRange(cidr);
    if (parsed && parsed.family === admission.family) ranges.push(parsed.range);
  }
  return subtractAll(admission.decided, ranges);
}

/** Answers per ACL, port and CIDR: the backends of one subnet ask the same questions. */
const answers = new WeakMap<WireNetworkAcl, Map<string, { admits?: readonly Admission[]; deciding?: NaclRule | null }>>();

function answersOf(acl: WireNetworkAcl, port: number, cidr: string) {
  let byQuestion = answers.get(acl);
  if (!byQuestion) {
    byQuestion = new Map();
    answers.set(acl, byQuestion);
  }
  const key = `${port} ${cidr}`;
  let answer = byQuestion.get(key);
  if (!answer) {
    answer = {};
    byQuestion.set(key, answer);
  }
  return answer;
}

/** Whether TCP `port` is admitted (inbound) from any address of `cidr`, and by which entries (shared: do not change the list). */
export function admitsFrom(acl: WireNetworkAcl, port: number, cidr: string): readonly Admission[] {
  const answer = answersOf(acl, port, cidr);
  answer.admits ??= computeAdmitsFrom(acl, port, cidr);
  return answer.admits;
}

function computeAdmitsFrom(acl: WireNetworkAcl, port: number, cidr: string): Admission[] {
  const parsed = cidrRange(cidr);
  if (!parsed) return [];
  return admissions(acl, port).filter((a) => a.family === parsed.family && !isEmpty(intersect(a.decided, parsed.range)));
}

/** The first entry number that decides `cidr` for TCP `port` inbound, and how (for "NACL 100" and "denied by rule 90"). */
export function decidingRule(acl: WireNetworkAcl, port: number, cidr: string): NaclRule | undefined {
  const answer = answersOf(acl, port, cidr);
  if (answer.deciding === undefined) answer.deciding = computeDecidingRule(acl, port, cidr) ?? null;
  return answer.deciding ?? undefined;
}

function computeDecidingRule(acl: WireNetworkAcl, port: number, cidr: string): NaclRule | undefined {
  const parsed = cidrRange(cidr);
  if (!parsed) return undefined;
  for (const rule of entriesOf(acl, false)) {
    if (!matchesTcpPort(rule, port)) continue;
    const r = cidrRange(rule.cidr);
    if (r && r.family === parsed.family && !isEmpty(intersect([r.range], parsed.range))) return rule;
  }
  return undefined;
}

/** "rule 120 allows tcp 1024-65535 from 0.0.0.0/0". */
export function describeNaclRule(rule: NaclRule): string {
  const protocol = rule.protocol === "-1" ? "all traffic" : rule.protocol === "6" ? "tcp" : `protocol ${rule.protocol}`;
  const ports =
    rule.protocol === "-1" || !rule.portRange
      ? ""
      : rule.portRange.from === rule.portRange.to
        ? ` ${rule.portRange.from}`
        : ` ${rule.portRange.from}-${rule.portRange.to}`;
  return `rule ${rule.ruleNumber} ${rule.action === "allow" ? "allows" : "denies"} ${protocol}${ports} from ${rule.cidr}`;
}

/**
 * Information on return traffic for clients in `cidr`: the outbound entry that decides the
 * ephemeral port range's lower end, middle and upper end (1024, 32768, 65535) to them.
 */
export function returnTraffic(acl: WireNetworkAcl, cidr: string): string {
  const parsed = cidrRange(cidr);
  if (!parsed) return `unknown (${cidr} is not a CIDR)`;
  const verdicts = [1024, 32768, 65535].map((port) => {
    for (const rule of entriesOf(acl, true)) {
      if (!matchesTcpPort(rule, port)) continue;
      const r = cidrRange(rule.cidr);
      if (r && r.family === parsed.family && !isEmpty(intersect([r.range], parsed.range))) return rule;
    }
    return undefined;
  });
  if (verdicts.every((r) => r?.action === "allow"))
    return `replies to ${cidr} leave by outbound rule ${[...new Set(verdicts.map((r) => r?.ruleNumber))].join(", ")}`;
  const blocking = verdicts.find((r) => r?.action !== "allow");
  return `replies to ${cidr} on some ephemeral ports are denied (${blocking ? `outbound rule ${blocking.ruleNumber}` : "no outbound rule"}): its clients may not complete a connection`;
}
