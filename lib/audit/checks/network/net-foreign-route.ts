import type { CheckResult, ResourceRef } from "../../findings/model.js";
import type { WireRouteTable } from "../../inventory/types.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import { backendPaths, classifyRoute } from "./path.js";
import { foreignRoutes } from "./reachability.js";

const KIND_TEXT: Record<string, string> = {
  "transit-gateway": "transit gateway",
  peering: "VPC peering connection",
  "vpn-gateway": "VPN gateway",
  "core-network": "Cloud WAN core network",
  "local-gateway": "Outposts local gateway",
  internet: "internet gateway",
};

interface GuardedTable {
  table: WireRouteTable;
  resource: ResourceRef;
  backends: string[];
  subnets: Set<string>;
  routes: Map<string, ReturnType<typeof foreignRoutes>[number]>;
}

export const netForeignRoute: Check = {
  meta: {
    id: "net-foreign-route",
    title: "Backend subnet routes to a network outside the approved ones",
    severity: "info",
    resourceType: "AWS::EC2::RouteTable",
    rationale:
      "A route to a peered VPC, a transit gateway, a VPN gateway or another gateway makes the backend's subnet reachable from that network whenever the far side routes back and the security groups and network ACLs admit it. Where network.allowedCidrs does not include the destination, the queue's network segment is wider than the policy says. Reported as information with the route: whether anything comes in through it depends on the other side.",
    remediation:
      "Confirm the network on the other side: if it is approved, add its range to network.allowedCidrs; if not, remove the route (`aws ec2 delete-route --route-table-id rtb-… --destination-cidr-block …`) or move the backend to subnets whose route table does not carry it, and keep its security groups and network ACLs closed to that range.",
    references: ["Amazon VPC User Guide: route tables", "Amazon VPC Transit Gateways: routing"],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    const tables = new Map<string, GuardedTable>();
    for (const path of backendPaths(ctx.scope)) {
      const b = path.backend;
      if (path.unobserved) {
        out.push(unobserved("net-foreign-route", b.resource, path.unobserved, `the routes of ${b.resource.id}'s subnets`));
        continue;
      }
      for (const s of path.subnets) {
        const tableId = s.routeTable.RouteTableId ?? "(unnamed)";
        const key = `${b.partition.account}/${b.partition.region}/${tableId}`;
        let guarded = tables.get(key);
        if (!guarded) {
          guarded = {
            table: s.routeTable,
            resource: { type: "AWS::EC2::RouteTable", id: tableId, account: b.partition.account, region: b.partition.region },
            backends: [],
            subnets: new Set(),
            routes: new Map(),
          };
          tables.set(key, guarded);
        }
        if (!guarded.backends.includes(b.resource.id)) guarded.backends.push(b.resource.id);
        guarded.subnets.add(s.subnetId);
        for (const r of foreignRoutes(s, ctx.config)) guarded.routes.set(`${r.destination} ${r.target}`, r);
      }
    }
    for (const g of tables.values()) {
      const tableId = g.resource.id;
      for (const r of g.routes.values()) {
        out.push(
          fail(
            "net-foreign-route",
            g.resource,
            `${r.destination} via ${r.target}`,
            `${tableId} routes ${r.destination} to ${KIND_TEXT[r.kind] ?? r.kind} ${r.target}${r.origin === "EnableVgwRoutePropagation" ? " (propagated)" : ""}, outside network.allowedCidrs: ${g.backends.join(", ")} may be reachable from there if the other side routes back and the security groups and network ACLs admit it.`,
            {
              routeTable: tableId,
              destination: r.destination,
              target: r.target,
              targetKind: r.kind,
              ...(r.origin ? { origin: r.origin } : {}),
              backends: g.backends,
              subnets: [...g.subnets],
            },
          ),
        );
      }
      if (g.routes.size === 0) {
        const leads = (g.table.Routes ?? []).map(classifyRoute).map((r) => `${r.destination} -> ${r.target} (${r.kind})`);
        out.push(
          pass(
            "net-foreign-route",
            g.resource,
            `${tableId} (subnets ${[...g.subnets].join(", ")} of ${g.backends.join(", ")}) routes to no network outside network.allowedCidrs.`,
            { routes: leads, backends: g.backends, subnets: [...g.subnets] },
          ),
        );
      }
    }
    return out;
  },
};
