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
  /** Sources that reach at least one guarded backend port, one entry per (source, port). */
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

function sourcesOf(
  sg: ScopedSecurityGroup,
  permission: Permission,
  protocol: "tcp" | "all",
  analysis: IngressAnalysis,
  reachesPort: boolean,
): Source[] {
  const rule = ruleSummary(permission);
  const out: Source[] = [];
  for (const range of permission.IpRanges ?? []) {
    if (range.CidrIp) out.push(source("cidr", range.CidrIp, rule, protocol, range.Description));
  }
  for (const range of permission.Ipv6Ranges ?? []) {
    if (range.CidrIpv6) out.push(source("cidr", range.CidrIpv6, rule, protocol, range.Description));
  }
  for (const pair of permission.UserIdGroupPairs ?? []) {
    if (!pair.GroupId) continue;
    const s = source("group", pair.GroupId, rule, protocol, pair.Description);
    if (pair.UserId) s.ownerId = pair.UserId;
    out.push(s);
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
      out.push(s);
    }
  }
  return out;
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
  const ports = [...new Set(sg.guards.flatMap((g) => g.ports))].sort((a, b) => a - b);
  const analysis: IngressAnalysis = {
    reaching: [],
    allTraffic: [],
    unknownPrefixLists: [],
    portUnknown: sg.guards.filter((g) => g.ports.length === 0).map((g) => g.backend),
    ports,
    guardIds: sg.guards.map((g) => g.backend.resource.id),
  };
  cache.set(sg, analysis);
  if (!sg.group.ok) {
    analysis.unobserved = sg.group.error;
    return analysis;
  }
  const group = sg.group.value;
  analysis.group = group;
  // The same source admitted twice (two rules, or tcp and -1) to one port is one fault. Found
  // by the source's own string, where the (port, protocol, kind, owner) it was first seen
  // with waits (a list only once a value repeats): no key string is built per source.
  const seen = new Map<string, ReachingSource | ReachingSource[]>();
  const reaching: ReachingSource[] = [];
  const backendsByPort = new Map(
    ports.map((port) => {
      const backends = sg.guards.filter((g) => g.ports.includes(port)).map((g) => g.backend.resource.id);
      return [port, { backends, backendList: backends.join(", ") }];
    }),
  );
  const portUnknown = analysis.portUnknown.length > 0;
  for (const permission of group.IpPermissions ?? []) {
    const protocol = protocolOf(permission);
    if (!protocol) continue;
    let reaches = portUnknown;
    for (const port of ports) if (coversPort(protocol, permission as RuleSummary, port)) reaches = true;
    // A TCP rule that reaches no guarded port admits nothing any check is about.
    if (!reaches && protocol !== "all") continue;
    const sources = sourcesOf(sg, permission, protocol, analysis, reaches);
    if (protocol === "all") for (const source of sources) analysis.allTraffic.push(source);
    for (const port of ports) {
      if (!coversPort(protocol, permission as RuleSummary, port)) continue;
      const { backends, backendList } = backendsByPort.get(port) ?? { backends: [], backendList: "" };
      for (const source of sources) {
        const before = seen.get(source.value);
        if (before !== undefined && (Array.isArray(before) ? before.some((r) => isSame(r, source, port)) : isSame(before, source, port)))
          continue;
        const entry: ReachingSource = { source, port, backends, backendList };
        if (before === undefined) seen.set(source.value, entry);
        else if (Array.isArray(before)) before.push(entry);
        else seen.set(source.value, [before, entry]);
        reaching.push(entry);
      }
    }
  }
  analysis.reaching = reaching;
  return analysis;
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
