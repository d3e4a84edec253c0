import type { CheckResult } from "../../findings/model.js";
import { fail, pass, unobserved } from "../results.js";
import type { AuditContext, Check } from "../types.js";
import { isWorld } from "./cidr.js";
import { type BackendPath, backendPaths, isInternetDefault, type SubnetPath } from "./path.js";
import { probePath } from "./probe-path.js";
import { admittedCidrs, publicAddress, reachabilitySentence } from "./reachability.js";

const evidenceOf = new WeakMap<SubnetPath, ReturnType<typeof oneSubnet>>();

function oneSubnet(s: SubnetPath) {
  return {
    subnetId: s.subnetId,
    cidr: s.subnet.CidrBlock,
    vpcId: s.subnet.VpcId,
    routeTable: s.routeTable.RouteTableId,
    routeTableAssociation: s.explicitRouteTable ? "explicit" : "main",
    routes: s.routes.map((r) => `${r.destination} -> ${r.target} (${r.kind}${r.state === "blackhole" ? ", blackhole" : ""})`),
    networkAcl: s.networkAcl.NetworkAclId,
  };
}

/** What each subnet's route table leads to, for the evidence; one object per subnet path, shared by the backends in it. */
export function subnetEvidence(path: BackendPath) {
  return path.subnets.map((s) => {
    let evidence = evidenceOf.get(s);
    if (!evidence) {
      evidence = oneSubnet(s);
      evidenceOf.set(s, evidence);
    }
    return evidence;
  });
}

function verdict(ctx: AuditContext, path: BackendPath): CheckResult {
  const { backend } = path;
  const id = backend.resource.id;
  if (path.unobserved) return unobserved("net-public-subnet", backend.resource, path.unobserved, `the subnets and routes of ${id}`);
  const reachability = reachabilitySentence(path, ctx.scope, ctx.config);
  const probe = probePath(ctx, path);
  const evidence: Record<string, unknown> = {
    reachability,
    subnetsFrom: path.from,
    subnets: subnetEvidence(path),
    ...(probe ? { probe: probe.evidence } : {}),
  };
  const publicSubnets = path.subnets.filter((s) => s.routes.some(isInternetDefault));
  if (publicSubnets.length === 0) {
    return pass(
      "net-public-subnet",
      backend.resource,
      `${id}'s subnets (${path.subnets.map((s) => s.subnetId).join(", ")}) have no route to an internet gateway.${probe ? ` ${probe.text}` : ""}`,
      evidence,
    );
  }
  const gateways = [
    ...new Set(
      publicSubnets.flatMap((s) =>
        s.routes.filter(isInternetDefault).map((r) => `${s.routeTable.RouteTableId} sends ${r.destination} to ${r.target}`),
      ),
    ),
  ];
  const worldGroups = [
    ...new Set(
      backend.ports.flatMap((port) =>
        admittedCidrs(ctx.scope, backend, port)
          .filter((c) => isWorld(c.cidr))
          .map((c) => c.groupId),
      ),
    ),
  ];
  const isPublic = publicAddress(backend, ctx.scope) === true;
  const aggravating = [
    ...(isPublic ? ["it is publicly accessible"] : []),
    ...(worldGroups.length ? [`${worldGroups.join(", ")} admit${worldGroups.length === 1 ? "s" : ""} the internet`] : []),
  ];
  const result = fail(
    "net-public-subnet",
    backend.resource,
    undefined,
    `${id} may sit in public subnet${publicSubnets.length > 1 ? "s" : ""} ${publicSubnets.map((s) => s.subnetId).join(", ")} (${gateways.join("; ")}): move it to subnets without an internet gateway route.${aggravating.length ? ` With that, ${aggravating.join(" and ")}: it is reachable from the internet.` : ""}`,
    {
      ...evidence,
      publicSubnets: publicSubnets.map((s) => s.subnetId),
      internetRoutes: gateways,
      publiclyAccessible: isPublic,
      worldOpenGroups: worldGroups,
    },
  );
  if (aggravating.length > 0) result.severity = "critical";
  return result;
}

export const netPublicSubnet: Check = {
  meta: {
    id: "net-public-subnet",
    title: "Backend in a public subnet",
    severity: "high",
    resourceType: [
      "AWS::RDS::DBInstance",
      "AWS::RDS::DBCluster",
      "AWS::ElastiCache::ReplicationGroup",
      "AWS::ElastiCache::CacheCluster",
      "AWS::ElastiCache::ServerlessCache",
    ],
    rationale:
      "A subnet whose route table sends 0.0.0.0/0 or ::/0 to an internet gateway is public: one public address or one open security group rule away from the internet. The queue's backend belongs in a network segment reachable only from the application's own network. Critical when the backend is publicly accessible or a security group already admits the world.",
    remediation:
      "Place the backend in private subnets (no internet gateway route). RDS: give it a DB subnet group of private subnets (`aws rds modify-db-subnet-group --db-subnet-group-name NAME --subnet-ids subnet-… subnet-…` once the instance no longer uses the public ones, or restore it into a private subnet group). ElastiCache cannot change a cluster's subnet group: create the cache in a private cache subnet group and move the clients. Do not delete the subnet's internet route while other resources in it need it.",
    references: ["AWS Security Hub RDS.2", "CIS AWS Foundations Benchmark 2.3.3", "Amazon VPC User Guide: subnet types (public, private)"],
  },
  evaluate(ctx) {
    return backendPaths(ctx.scope).map((path) => verdict(ctx, path));
  },
};
