/**
 * The network path of each in-scope backend: the subnets it may sit in, the route table
 * each subnet uses (its explicit association, else its VPC's main table), the network ACL
 * associated with each subnet, and what each route leads to. Computed once per scope and
 * shared by the network-path checks and the reachability sentence.
 */
import type { ObservationError } from "../../findings/model.js";
import { networkPart, refOf, sourceOf, type WireNetworkAcl, type WireRouteTable, type WireSubnet } from "../../inventory/types.js";
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
  for (const subnetId of subnetIds) {
    const subnet = subnets.value.find((s) => s.SubnetId === subnetId);
    if (!subnet) {
      result.unobserved = missing(backend, "subnets", `subnet ${subnetId} of ${backend.resource.id} is not in the subnets data`);
      return result;
    }
    const vpc = subnet.VpcId ?? vpcId;
    const explicit = tables.value.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnetId));
    const main = tables.value.find((t) => t.VpcId === vpc && (t.Associations ?? []).some((a) => a.Main === true));
    const routeTable = explicit ?? main;
    if (!routeTable) {
      result.unobserved = missing(
        backend,
        "routeTables",
        `subnet ${subnetId} of ${backend.resource.id} has no explicitly associated route table and the main route table of ${vpc ?? "its VPC"} is not in the route tables data`,
      );
      return result;
    }
    const networkAcl = acls.value.find((a) => (a.Associations ?? []).some((x) => x.SubnetId === subnetId));
    if (!networkAcl) {
      result.unobserved = missing(
        backend,
        "networkAcls",
        `no network ACL associated with subnet ${subnetId} of ${backend.resource.id} is in the network ACLs data`,
      );
      return result;
    }
    result.subnets.push({
      subnetId,
      subnet,
      routeTable,
      explicitRouteTable: explicit !== undefined,
      routes: (routeTable.Routes ?? []).map(classifyRoute),
      networkAcl,
    });
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
