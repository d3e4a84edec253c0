/**
 * Reachability in one sentence per backend, from all the layers at once: routes (is there
 * an internet gateway, or a route to a network outside the approved ones), the public
 * address (RDS `PubliclyAccessible`; ElastiCache nodes never get one), the network ACLs and
 * the security groups, on the backend's port:
 *   "reachable from the internet: no — private subnets, no IGW route;
 *    from 203.0.113.0/24: yes — NACL acl-… rule 100 and sg-…"
 */
import type { Config } from "../../config/schema.js";
import type { Backend, Scope, ScopedSecurityGroup } from "../../scope/index.js";
import { perScope } from "../../scope/memo.js";
import { cidrAllowList, isWorld } from "./cidr.js";
import { analyseIngress } from "./ingress.js";
import { admitsFrom, decidingRule } from "./nacl.js";
import { type BackendPath, isInternetDefault, type RouteSummary, type SubnetPath } from "./path.js";
import { cidrRange } from "./ranges.js";

/** Routes to other networks: their far side decides who can come in through them. */
export const FOREIGN_KINDS = new Set<RouteSummary["kind"]>([
  "transit-gateway",
  "peering",
  "vpn-gateway",
  "core-network",
  "local-gateway",
  "internet",
]);

/**
 * The routes of a subnet to networks outside network.allowedCidrs (a default route to an IGW
 * is the public-subnet check's). Once per subnet and allow-list: the backends of one subnet
 * group, forty in the bench estate, share the subnet's path object. Callers must not change
 * the list.
 */
export function foreignRoutes(subnet: SubnetPath, config: Config): readonly RouteSummary[] {
  let bySubnet = foreignBySubnet.get(config.network.allowedCidrs);
  if (!bySubnet) {
    bySubnet = new WeakMap();
    foreignBySubnet.set(config.network.allowedCidrs, bySubnet);
  }
  let routes = bySubnet.get(subnet);
  if (!routes) {
    const approved = cidrAllowList(config.network.allowedCidrs);
    routes = subnet.routes.filter(
      (r) => r.state !== "blackhole" && FOREIGN_KINDS.has(r.kind) && !isInternetDefault(r) && approved(r.destination) === undefined,
    );
    bySubnet.set(subnet, routes);
  }
  return routes;
}

/** Per allow-list (the config's array), then per subnet path: few entries (subnets, not groups). */
const foreignBySubnet = new WeakMap<readonly string[], WeakMap<SubnetPath, readonly RouteSummary[]>>();

/** The in-scope security groups guarding each backend, in scope order (built once per scope: estates have 10k groups). */
const groupsByBackend = new WeakMap<Scope, Map<Backend, ScopedSecurityGroup[]>>();

function guardingGroups(scope: Scope, backend: Backend): readonly ScopedSecurityGroup[] {
  let index = groupsByBackend.get(scope);
  if (!index) {
    index = new Map();
    for (const sg of scope.securityGroups) {
      for (const g of sg.guards) {
        const groups = index.get(g.backend);
        if (!groups) index.set(g.backend, [sg]);
        else if (groups[groups.length - 1] !== sg) groups.push(sg);
      }
    }
    groupsByBackend.set(scope, index);
  }
  return index.get(backend) ?? [];
}

/** Per backend and port (backends are the scope's own objects: see memo.ts for why not a WeakMap). */
const admitted = perScope(() => new Map<Backend, Map<number, readonly Admitted[]>>());

interface Admitted {
  cidr: string;
  groupId: string;
  /** The CIDR's address range, read once (undefined for a value that is not a CIDR). */
  range: ReturnType<typeof cidrRange>;
}

/**
 * The CIDRs (and world) the backend's security groups admit to `port`, with the group of
 * each. Computed once per backend and port (the reachability sentence and the public-subnet
 * check both ask) and shared: callers must not change the list.
 */
export function admittedCidrs(scope: Scope, backend: Backend, port: number): readonly Admitted[] {
  const byBackend = admitted(scope);
  let byPort = byBackend.get(backend);
  if (!byPort) {
    byPort = new Map();
    byBackend.set(backend, byPort);
  }
  let out = byPort.get(port);
  if (!out) {
    out = computeAdmitted(scope, backend, port);
    byPort.set(port, out);
  }
  return out;
}

function computeAdmitted(scope: Scope, backend: Backend, port: number): Admitted[] {
  const out: Admitted[] = [];
  const id = backend.resource.id;
  for (const sg of guardingGroups(scope, backend)) {
    for (const part of cidrSourcesOf(scope, sg).get(port) ?? []) {
      if (part.backends.includes(id)) for (const a of part.admitted) out.push(a);
    }
  }
  return out;
}

/**
 * The CIDR sources each port of a group admits, in rule order, grouped by the list of
 * backends they reach (one list per port, shared by its sources): built once per group,
 * so each backend asks "does this port reach me" once per group, not once per source.
 */
type CidrSources = Map<number, { backends: readonly string[]; admitted: Admitted[] }[]>;

const cidrSources = perScope(() => new Map<ScopedSecurityGroup, CidrSources>());

function cidrSourcesOf(scope: Scope, sg: ScopedSecurityGroup): CidrSources {
  const bySg = cidrSources(scope);
  let byPort = bySg.get(sg);
  if (byPort) return byPort;
  byPort = new Map();
  for (const r of analyseIngress(scope, sg).reaching) {
    if (r.source.kind !== "cidr") continue;
    let parts = byPort.get(r.port);
    if (!parts) {
      parts = [];
      byPort.set(r.port, parts);
    }
    let part = parts[parts.length - 1];
    if (part?.backends !== r.backends) {
      part = { backends: r.backends, admitted: [] };
      parts.push(part);
    }
    part.admitted.push({ cidr: r.source.value, groupId: sg.groupId, range: cidrRange(r.source.value) });
  }
  bySg.set(sg, byPort);
  return byPort;
}

/**
 * Whether the backend has (or may get) a public address. A cluster has one when a member
 * instance of its own partition has, whether the member names the cluster or the cluster
 * lists the member (DBClusterMembers), as the scope and its subnets count members.
 */
export function publicAddress(backend: Backend, scope: Scope): boolean | "never" {
  if (backend.kind === "rds-instance") return backend.instance.PubliclyAccessible === true;
  if (backend.kind === "rds-cluster") {
    const { cluster, partition } = backend;
    const listed = new Set((cluster.DBClusterMembers ?? []).flatMap((m) => (m.DBInstanceIdentifier ? [m.DBInstanceIdentifier] : [])));
    return scope.backends.some(
      (b) =>
        b.kind === "rds-instance" &&
        b.instance.PubliclyAccessible === true &&
        b.partition.account === partition.account &&
        b.partition.region === partition.region &&
        (b.instance.DBClusterIdentifier === backend.resource.id || listed.has(b.instance.DBInstanceIdentifier ?? "")),
    );
  }
  return "never";
}

/** CIDR blocks either nest or are disjoint: two overlap when their address ranges meet (same family). */
function overlaps(x: ReturnType<typeof cidrRange>, y: ReturnType<typeof cidrRange>): boolean {
  return x !== undefined && y !== undefined && x.family === y.family && x.range[0] <= y.range[1] && y.range[0] <= x.range[1];
}
const uniq = <T>(values: T[]) => [...new Set(values)];

interface NaclVerdict {
  admitted: boolean;
  text: string;
}

/** A number per ACL object, for cache keys: two ACLs may share an id (partitions) or have none. */
const aclNumbers = new WeakMap<object, number>();
let nextAclNumber = 0;
function aclNumber(acl: object): number {
  let n = aclNumbers.get(acl);
  if (n === undefined) {
    n = nextAclNumber++;
    aclNumbers.set(acl, n);
  }
  return n;
}

/**
 * Verdicts by the ACLs of the subnets, port and CIDR: the backends of one subnet group ask the
 * same questions, and the answer depends on nothing else. Keyed per scope, like the rest.
 */
const naclVerdicts = new WeakMap<Scope, Map<string, NaclVerdict>>();

function naclVerdict(scope: Scope, subnets: readonly SubnetPath[], port: number, cidr: string): NaclVerdict {
  let cache = naclVerdicts.get(scope);
  if (!cache) {
    cache = new Map();
    naclVerdicts.set(scope, cache);
  }
  let key = `${port} ${cidr}`;
  for (const s of subnets) key += ` ${aclNumber(s.networkAcl)}`;
  let verdict = cache.get(key);
  if (!verdict) {
    verdict = computeNaclVerdict(subnets, port, cidr);
    cache.set(key, verdict);
  }
  return verdict;
}

function computeNaclVerdict(subnets: readonly SubnetPath[], port: number, cidr: string): NaclVerdict {
  const allowing: string[] = [];
  const denying: string[] = [];
  for (const s of subnets) {
    const aclId = s.networkAcl.NetworkAclId ?? "(unnamed)";
    const admits = admitsFrom(s.networkAcl, port, cidr);
    if (admits.length > 0) allowing.push(...admits.map((a) => `NACL ${aclId} rule ${a.rule.ruleNumber}`));
    else {
      const rule = decidingRule(s.networkAcl, port, cidr);
      denying.push(`NACL ${aclId} ${rule ? `rule ${rule.ruleNumber}` : "default rule"} denies it`);
    }
  }
  return allowing.length > 0 ? { admitted: true, text: uniq(allowing).join(", ") } : { admitted: false, text: uniq(denying).join(", ") };
}

function internetPart(path: BackendPath, scope: Scope, port: number): string {
  const publicSubnets = path.subnets.filter((s) => s.routes.some(isInternetDefault));
  if (publicSubnets.length === 0) return "no — private subnets, no IGW route";
  const tables = uniq(publicSubnets.map((s) => s.routeTable.RouteTableId ?? "(unnamed)")).join(", ");
  const where = `public subnet${publicSubnets.length > 1 ? "s" : ""} ${publicSubnets.map((s) => s.subnetId).join(", ")}`;
  const address = publicAddress(path.backend, scope);
  if (address === "never") return `no — ${where}, but ElastiCache nodes get no public address`;
  if (!address) return `no — ${where}, but not publicly accessible`;
  const world = admittedCidrs(scope, path.backend, port).filter((c) => isWorld(c.cidr));
  if (world.length === 0) return `no — ${where} and a public address, but no security group admits the internet`;
  const nacl = naclVerdict(scope, publicSubnets, port, world[0]?.cidr ?? "0.0.0.0/0");
  if (!nacl.admitted) return `no — ${where} and a public address, but ${nacl.text}`;
  return `yes — IGW route in ${tables}, public address, ${nacl.text} and ${uniq(world.map((w) => w.groupId)).join(", ")}`;
}

/** At most this many other sources are named; the evidence keeps the rest. */
const MAX_SOURCES = 4;

export function reachabilitySentence(path: BackendPath, scope: Scope, config: Config): string {
  if (path.unobserved) return `reachable from the internet: unknown — ${path.unobserved.reason}`;
  const port = path.backend.ports[0];
  if (port === undefined) return "reachable from the internet: unknown — the endpoint port is not in the inventory";
  let sentence = `reachable from the internet: ${internetPart(path, scope, port)}`;
  const approved = cidrAllowList(config.network.allowedCidrs);
  const admitted = admittedCidrs(scope, path.backend, port);
  // Sources outside the approved ranges, each once, in order: what the groups admit, then
  // where foreign routes lead. Plain loops: this runs once per backend, mostly cold.
  const candidates = new Set<string>();
  for (let i = 0; i < admitted.length; i++) {
    const { cidr } = admitted[i] as Admitted;
    if (!isWorld(cidr) && approved(cidr) === undefined) candidates.add(cidr);
  }
  for (const subnet of path.subnets) {
    for (const route of foreignRoutes(subnet, config)) if (route.destination.includes("/")) candidates.add(route.destination);
  }
  let named = 0;
  for (const cidr of candidates) {
    if (named++ === MAX_SOURCES) break;
    const range = cidrRange(cidr);
    const groups: string[] = [];
    for (let i = 0; i < admitted.length; i++) {
      const a = admitted[i] as Admitted;
      if (overlaps(a.range, range) && !groups.includes(a.groupId)) groups.push(a.groupId);
    }
    const nacl = naclVerdict(scope, path.subnets, port, cidr);
    let verdict: string;
    if (groups.length === 0) verdict = "no — no security group admits it";
    else if (!nacl.admitted) verdict = `no — ${nacl.text}`;
    else verdict = `yes — ${nacl.text} and ${groups.join(", ")}`;
    sentence += `; from ${cidr}: ${verdict}`;
  }
  if (candidates.size > MAX_SOURCES) sentence += `; and ${candidates.size - MAX_SOURCES} more sources (see the network findings)`;
  return sentence;
}
