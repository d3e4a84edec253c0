/**
 * The network path of each in-scope backend: the subnets it may sit in, the route table
 * each subnet uses (its explicit association, else its VPC's main table), the network ACL
 * associated with each subnet, and what each route leads to. Computed once per scope and
 * shared by the network-path checks and the reachability sentence.
 */
import type { ObservationError } from "../../findings/model.js";
import { networkPart, type WireNetworkAcl, type WireRouteTable, type WireSubnet } from "../../inventory/types.js";
import type { Backend, Scope } from "../../scope/index.js";
import { pathGap, subnetsOf } from "../../scope/subnets.js";

type WireRoute = NonNullable<WireRouteTable["Routes"]>[number];

/** What a route leads to. `internet` is an internet gateway (or a carrier gateway: public too). */
export type RouteTargetKind =
  | "local"
  | "internet"
  | "nat"
  | "egress-only-internet"
  | "transit-gateway"
  | "peering"
  | "vpn-gateway"
  | "core-network"
  | "local-gateway"
  | "network-interface"
  | "other";

export interface RouteSummary {
  destination: string;
  target: string;
  kind: RouteTargetKind;
  /** `active`, or `blackhole` (the target is gone: the route carries nothing). */
  state: string;
  /** `EnableVgwRoutePropagation` for routes a VPN gateway propagates. */
  origin?: string;
}

export interface SubnetPath {
  subnetId: string;
  subnet: WireSubnet;
  routeTable: WireRouteTable;
  /** False when the subnet has no explicit association and uses its VPC's main table. */
  explicitRouteTable: boolean;
  routes: RouteSummary[];
  networkAcl: WireNetworkAcl;
}

export interface BackendPath {
  backend: Backend;
  /** Where the subnet list came from ("DB subnet group queue-private"). */
  from: string;
  subnets: SubnetPath[];
  /** The path could not be judged: every network-path check is an ERROR for this backend. */
  unobserved?: ObservationError;
}

export function classifyRoute(route: WireRoute): RouteSummary {
  const destination = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? route.DestinationPrefixListId ?? "(unknown)";
  const gateway = route.GatewayId ?? "";
  let kind: RouteTargetKind = "other";
  let target = gateway;
  if (gateway === "local") kind = "local";
  else if (gateway.startsWith("igw-")) kind = "internet";
  else if (gateway.startsWith("vgw-")) kind = "vpn-gateway";
  else if (route.NatGatewayId) [kind, target] = ["nat", route.NatGatewayId];
  else if (route.EgressOnlyInternetGatewayId) [kind, target] = ["egress-only-internet", route.EgressOnlyInternetGatewayId];
  else if (route.TransitGatewayId) [kind, target] = ["transit-gateway", route.TransitGatewayId];
  else if (route.VpcPeeringConnectionId) [kind, target] = ["peering", route.VpcPeeringConnectionId];
  else if (route.CarrierGatewayId) [kind, target] = ["internet", route.CarrierGatewayId];
  else if (route.CoreNetworkArn) [kind, target] = ["core-network", route.CoreNetworkArn];
  else if (route.LocalGatewayId) [kind, target] = ["local-gateway", route.LocalGatewayId];
  else if (route.NetworkInterfaceId) [kind, target] = ["network-interface", route.NetworkInterfaceId];
  else if (route.InstanceId) [kind, target] = ["network-interface", route.InstanceId];
  const out: RouteSummary = { destination, target: target || "(none)", kind, state: route.State ?? "active" };
  if (route.Origin) out.origin = route.Origin;
  return out;
}

export const isDefaultRoute = (r: RouteSummary) => r.destination === "0.0.0.0/0" || r.destination === "::/0";

/** A route that makes the subnet public: a default route to an internet (or carrier) gateway. */
export const isInternetDefault = (r: RouteSummary) => r.state !== "blackhole" && r.kind === "internet" && isDefaultRoute(r);

/** Aurora clusters are judged through their member instances (the cluster endpoint resolves to them). */
function judgedBackends(scope: Scope): Backend[] {
  const memberOf = new Set(
    scope.backends.flatMap((b) =>
      b.kind === "rds-instance" && b.instance.DBClusterIdentifier
        ? [`${b.partition.account}/${b.partition.region}/${b.instance.DBClusterIdentifier}`]
        : [],
    ),
  );
  return scope.backends.filter(
    (b) => b.kind !== "rds-cluster" || !memberOf.has(`${b.partition.account}/${b.partition.region}/${b.resource.id}`),
  );
}

const missing = (backend: Backend, field: "subnets" | "routeTables" | "networkAcls", reason: string) =>
  pathGap(backend, field, reason, "NotCaptured");

interface NetworkIndex {
  of: { tables: readonly WireRouteTable[]; acls: readonly WireNetworkAcl[] };
  subnets: Map<string, WireSubnet>;
  /** Route table by explicitly associated subnet, and the main table by VPC. */
  explicitTables: Map<string, WireRouteTable>;
  mainTables: Map<string | undefined, WireRouteTable>;
  acls: Map<string, WireNetworkAcl>;
  /** Subnet paths already built, by subnet and VPC: the backends of one subnet group share them. */
  paths: Map<string, SubnetPath>;
}

/** The first of each, as a scan of the lists in their order would find it. */
const setFirst = <K, V>(map: Map<K, V>, key: K, value: V) => {
  if (!map.has(key)) map.set(key, value);
};

/** Lookups by subnet and VPC over one partition's network lists, built once: backends share a few hundred subnets. */
const indexes = new WeakMap<readonly WireSubnet[], NetworkIndex>();

function networkIndex(subnets: readonly WireSubnet[], tables: readonly WireRouteTable[], acls: readonly WireNetworkAcl[]): NetworkIndex {
  const cached = indexes.get(subnets);
  if (cached && cached.of.tables === tables && cached.of.acls === acls) return cached;
  const index: NetworkIndex = {
    of: { tables, acls },
    subnets: new Map(),
    explicitTables: new Map(),
    mainTables: new Map(),
    acls: new Map(),
    paths: new Map(),
  };
  for (const s of subnets) if (s.SubnetId !== undefined) setFirst(index.subnets, s.SubnetId, s);
  for (const t of tables) {
    for (const a of t.Associations ?? []) {
      if (a.SubnetId !== undefined) setFirst(index.explicitTables, a.SubnetId, t);
      if (a.Main === true) setFirst(index.mainTables, t.VpcId, t);
    }
  }
  for (const acl of acls) for (const a of acl.Associations ?? []) if (a.SubnetId !== undefined) setFirst(index.acls, a.SubnetId, acl);
  indexes.set(subnets, index);
  return index;
}

function pathOf(backend: Backend): BackendPath {
  const placement = subnetsOf(backend);
  if (!placement.ok) return { backend, from: "", subnets: [], unobserved: placement.error };
  const { subnetIds, vpcId, from } = placement.value;
  const { partition } = backend;
  const result: BackendPath = { backend, from, subnets: [] };
  const subnets = networkPart(partition, "subnets");
  const tables = networkPart(partition, "routeTables");
  const acls = networkPart(partition, "networkAcls");
  for (const part of [subnets, tables, acls]) {
    if (!part.ok) return { ...result, unobserved: part.error };
  }
  if (!subnets.ok || !tables.ok || !acls.ok) return result;
  const index = networkIndex(subnets.value, tables.value, acls.value);
  for (const subnetId of subnetIds) {
    const subnet = index.subnets.get(subnetId);
    if (!subnet) {
      result.unobserved = missing(backend, "subnets", `subnet ${subnetId} of ${backend.resource.id} is not in the subnets data`);
      return result;
    }
    const vpc = subnet.VpcId ?? vpcId;
    const key = `${subnetId}\u0000${vpc ?? ""}`;
    const known = index.paths.get(key);
    if (known) {
      result.subnets.push(known);
      continue;
    }
    const explicit = index.explicitTables.get(subnetId);
    const main = index.mainTables.get(vpc);
    const routeTable = explicit ?? main;
    if (!routeTable) {
      result.unobserved = missing(
        backend,
        "routeTables",
        `subnet ${subnetId} of ${backend.resource.id} has no explicitly associated route table and the main route table of ${vpc ?? "its VPC"} is not in the route tables data`,
      );
      return result;
    }
    const networkAcl = index.acls.get(subnetId);
    if (!networkAcl) {
      result.unobserved = missing(
        backend,
        "networkAcls",
        `no network ACL associated with subnet ${subnetId} of ${backend.resource.id} is in the network ACLs data`,
      );
      return result;
    }
    const subnetPath: SubnetPath = {
      subnetId,
      subnet,
      routeTable,
      explicitRouteTable: explicit !== undefined,
      routes: (routeTable.Routes ?? []).map(classifyRoute),
      networkAcl,
    };
    index.paths.set(key, subnetPath);
    result.subnets.push(subnetPath);
  }
  return result;
}

const cache = new WeakMap<Scope, BackendPath[]>();

/** The network path of every backend the network-path checks judge, in scope order. */
export function backendPaths(scope: Scope): BackendPath[] {
  let paths = cache.get(scope);
  if (!paths) {
    paths = judgedBackends(scope).map(pathOf);
    cache.set(scope, paths);
  }
  return paths;
}
