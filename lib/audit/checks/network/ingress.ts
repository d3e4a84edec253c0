/**
 * What a security group admits to the backends it guards: every source (CIDR, prefix-list
 * CIDR, security group) of every rule that reaches a backend port. Computed once per group
 * and shared by the four network checks.
 */
import type { ObservationError } from "../../findings/model.js";
import { observedEntry, type WireSecurityGroup } from "../../inventory/types.js";
import type { Backend, Scope, ScopedSecurityGroup } from "../../scope/index.js";
import { perScope } from "../../scope/memo.js";

type Permission = NonNullable<WireSecurityGroup["IpPermissions"]>[number];

export interface RuleSummary {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
}

export type SourceKind = "cidr" | "group";

export interface Source {
  kind: SourceKind;
  /** The CIDR, or the source group id. */
  value: string;
  /** For group sources: the account that owns the source group, when AWS says. */
  ownerId?: string;
  /** The managed prefix list the CIDR came from. */
  prefixListId?: string;
  description?: string;
  rule: RuleSummary;
  /** "tcp" for tcp/6, "all" for -1. */
  protocol: "tcp" | "all";
}

/** A source that reaches one backend port. Shares the Source object: estates have 100k of these. */
export interface ReachingSource {
  source: Source;
  port: number;
  backends: string[];
  /** `backends` as a message says it ("queue-db-0, queue-db-166"), joined once per port. */
  backendList: string;
}

export interface IngressAnalysis {
  group?: WireSecurityGroup;
  /** The group itself could not be observed: every network check is an ERROR. */
  unobserved?: ObservationError;
  /**
   * Sources that reach at least one guarded backend port, one entry per (source, port): rule
   * by rule, each rule's sources in AWS's order, each source's ports ascending.
   */
  reaching: ReachingSource[];
  /** Sources of all-protocol (-1) rules, whatever the port. */
  allTraffic: Source[];
  /** Prefix lists whose entries were not observed: what they admit is unknown. */
  unknownPrefixLists: { prefixListId: string; error: ObservationError; rule: RuleSummary; reachesPort: boolean }[];
  /** Backends whose endpoint port is not known: reachability cannot be judged for them. */
  portUnknown: Backend[];
  ports: number[];
  /** Ids of the backends the group guards (shared by every PASS verdict's evidence). */
  guardIds: string[];
}

const analyses = perScope(() => new Map<ScopedSecurityGroup, IngressAnalysis>());

function protocolOf(permission: Permission): "tcp" | "all" | undefined {
  // AWS returns these spellings; the lower-casing below is for hand-made exports.
  if (permission.IpProtocol === "tcp") return "tcp";
  if (permission.IpProtocol === "-1") return "all";
  const protocol = String(permission.IpProtocol ?? "").toLowerCase();
  if (protocol === "-1" || protocol === "all") return "all";
  if (protocol === "tcp" || protocol === "6") return "tcp";
  return undefined; // udp, icmp, icmpv6, others: never reach a TCP backend
}

/** Whether a rule of `protocol` covers TCP `port`. A TCP rule without a range is taken as all ports. */
export function coversPort(protocol: "tcp" | "all", permission: RuleSummary, port: number): boolean {
  if (protocol === "all") return true;
  const from = permission.FromPort;
  const to = permission.ToPort;
  if (from === undefined || to === undefined || from === -1) return true;
  return from <= port && port <= to;
}

function ruleSummary(permission: Permission): RuleSummary {
  const rule: RuleSummary = { IpProtocol: String(permission.IpProtocol) };
  if (permission.FromPort !== undefined) rule.FromPort = permission.FromPort;
  if (permission.ToPort !== undefined) rule.ToPort = permission.ToPort;
  return rule;
}

/**
 * Every source of one permission, in the order AWS lists them (CIDRs, IPv6 CIDRs, groups,
 * then each prefix list's entries), handed to `visit`. Indexed loops, no arrays in between:
 * a cold run walks 100k rules here before the compiler has looked at this code.
 */
function forEachSource(
  sg: ScopedSecurityGroup,
  permission: Permission,
  protocol: "tcp" | "all",
  analysis: IngressAnalysis,
  reachesPort: boolean,
  visit: (source: Source) => void,
): void {
  const rule = ruleSummary(permission);
  const v4 = permission.IpRanges;
  if (v4) {
    for (let i = 0; i < v4.length; i++) {
      const range = v4[i] as (typeof v4)[number];
      if (range.CidrIp) visit(source("cidr", range.CidrIp, rule, protocol, range.Description));
    }
  }
  const v6 = permission.Ipv6Ranges;
  if (v6) {
    for (let i = 0; i < v6.length; i++) {
      const range = v6[i] as (typeof v6)[number];
      if (range.CidrIpv6) visit(source("cidr", range.CidrIpv6, rule, protocol, range.Description));
    }
  }
  const pairs = permission.UserIdGroupPairs;
  if (pairs) {
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i] as (typeof pairs)[number];
      if (!pair.GroupId) continue;
      const s = source("group", pair.GroupId, rule, protocol, pair.Description);
      if (pair.UserId) s.ownerId = pair.UserId;
      visit(s);
    }
  }
  for (const list of permission.PrefixListIds ?? []) {
    if (!list.PrefixListId) continue;
    const entries = observedEntry(sg.partition, "prefixListEntries", list.PrefixListId);
    if (!entries.ok) {
      analysis.unknownPrefixLists.push({ prefixListId: list.PrefixListId, error: entries.error, rule, reachesPort });
      continue;
    }
    for (const entry of entries.value) {
      if (!entry.Cidr) continue;
      const s = source("cidr", entry.Cidr, rule, protocol, entry.Description);
      s.prefixListId = list.PrefixListId;
      visit(s);
    }
  }
}

function source(kind: SourceKind, value: string, rule: RuleSummary, protocol: "tcp" | "all", description: string | undefined): Source {
  const s: Source = { kind, value, rule, protocol };
  if (description) s.description = description;
  return s;
}

/** True for a source that is the group itself (same account): members of the group may talk to each other. */
export function isSelfReference(source: Source, group: WireSecurityGroup | undefined, groupId: string): boolean {
  if (source.kind !== "group" || source.value !== groupId) return false;
  return source.ownerId === undefined || group?.OwnerId === undefined || source.ownerId === group.OwnerId;
}

/** What `sg`, one of `scope`'s groups, admits to its backends: computed once per scope and group. */
export function analyseIngress(scope: Scope, sg: ScopedSecurityGroup): IngressAnalysis {
  const cache = analyses(scope);
  const cached = cache.get(sg);
  if (cached) return cached;
  const { guards } = sg;
  const ports = guardedPorts(guards);
  const portUnknown: Backend[] = [];
  const guardIds: string[] = [];
  for (let i = 0; i < guards.length; i++) {
    const g = guards[i] as (typeof guards)[number];
    if (g.ports.length === 0) portUnknown.push(g.backend);
    guardIds.push(g.backend.resource.id);
  }
  const analysis: IngressAnalysis = { reaching: [], allTraffic: [], unknownPrefixLists: [], portUnknown, ports, guardIds };
  cache.set(sg, analysis);
  if (!sg.group.ok) {
    analysis.unobserved = sg.group.error;
    return analysis;
  }
  const group = sg.group.value;
  analysis.group = group;
  // What each port reaches, parallel to `ports`: the same lists for every source on that port.
  const byPort = ports.map((port) => {
    const backends: string[] = [];
    for (const g of guards) if (g.ports.includes(port)) backends.push(g.backend.resource.id);
    return { port, backends, backendList: backends.join(", ") };
  });
  const { reaching, allTraffic } = analysis;
  const seen = new SeenSources();
  const covered: (typeof byPort)[number][] = [];
  const permissions = group.IpPermissions ?? [];
  for (let p = 0; p < permissions.length; p++) {
    const permission = permissions[p] as Permission;
    const protocol = protocolOf(permission);
    if (!protocol) continue;
    covered.length = 0;
    for (const at of byPort) if (coversPort(protocol, permission as RuleSummary, at.port)) covered.push(at);
    const reaches = portUnknown.length > 0 || covered.length > 0;
    // A TCP rule that reaches no guarded port admits nothing any check is about.
    if (!reaches && protocol !== "all") continue;
    forEachSource(sg, permission, protocol, analysis, reaches, (source) => {
      if (protocol === "all") allTraffic.push(source);
      for (let i = 0; i < covered.length; i++) {
        const { port, backends, backendList } = covered[i] as (typeof covered)[number];
        // The same source admitted twice (two rules, or tcp and -1) to one port is one fault.
        if (seen.has(source, port)) continue;
        const entry: ReachingSource = { source, port, backends, backendList };
        seen.add(entry);
        reaching.push(entry);
      }
    });
  }
  return analysis;
}

/** The distinct ports of a group's guards, ascending (most groups guard one backend, on one port). */
function guardedPorts(guards: ScopedSecurityGroup["guards"]): number[] {
  const ports: number[] = [];
  for (const g of guards) for (const port of g.ports) if (!ports.includes(port)) ports.push(port);
  return ports.length > 1 ? ports.sort((a, b) => a - b) : ports;
}

/**
 * The (source, port) pairs a group already admits, found by the source's own string. A
 * group has a handful: they are scanned, and indexed by value only once there are many
 * (a group may have hundreds of rules), so no map or key string is built per group.
 */
const SCAN_AT_MOST = 16;

class SeenSources {
  private readonly list: ReachingSource[] = [];
  private byValue: Map<string, ReachingSource[]> | undefined;

  has(source: Source, port: number): boolean {
    const candidates = this.byValue ? (this.byValue.get(source.value) ?? []) : this.list;
    for (let i = 0; i < candidates.length; i++) {
      const r = candidates[i] as ReachingSource;
      if (r.source.value === source.value && isSame(r, source, port)) return true;
    }
    return false;
  }

  add(entry: ReachingSource): void {
    if (this.byValue) {
      this.index(entry);
      return;
    }
    this.list.push(entry);
    if (this.list.length > SCAN_AT_MOST) {
      this.byValue = new Map();
      for (const r of this.list) this.index(r);
    }
  }

  private index(entry: ReachingSource): void {
    const map = this.byValue as Map<string, ReachingSource[]>;
    const same = map.get(entry.source.value);
    if (same) same.push(entry);
    else map.set(entry.source.value, [entry]);
  }
}

/** The same port, protocol, kind and owner account as written (the value is the key both were found under). */
function isSame(seen: ReachingSource, source: Source, port: number): boolean {
  const a = seen.source;
  return seen.port === port && a.protocol === source.protocol && a.kind === source.kind && (a.ownerId ?? "") === (source.ownerId ?? "");
}

/** "0.0.0.0/0 tcp 5432", "sg-0abc tcp 6379", "111122223333/sg-0abc all 6379". */
export function subjectOf(source: Source, group: WireSecurityGroup | undefined, port?: number): string {
  const who =
    source.kind === "group" && source.ownerId && group?.OwnerId && source.ownerId !== group.OwnerId
      ? `${source.ownerId}/${source.value}`
      : source.value;
  return port === undefined ? `${who} ${source.protocol}` : `${who} ${source.protocol} ${port}`;
}

/**
 * A FAIL's evidence with what the source itself says, after the check's keys: the prefix
 * list it came through and its description. Assigned, not spread: tens of thousands of FAILs.
 */
export function withSourceNotes(evidence: Record<string, unknown>, source: Source): Record<string, unknown> {
  if (source.prefixListId) evidence.prefixListId = source.prefixListId;
  if (source.description) evidence.description = source.description;
  return evidence;
}

export function describeRule(rule: RuleSummary): string {
  if (rule.IpProtocol === "-1") return "all protocols and ports";
  if (rule.FromPort === undefined || rule.FromPort === -1) return `${rule.IpProtocol} all ports`;
  return rule.FromPort === rule.ToPort ? `${rule.IpProtocol} ${rule.FromPort}` : `${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort}`;
}
