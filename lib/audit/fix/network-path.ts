/**
 * Fixes for the network-path checks. A NACL that admits an unapproved range gets deny
 * entries placed just before the allowing one, after allow entries for the approved ranges
 * it also covered (so the workers keep their access), when there are free rule numbers
 * there; otherwise the text says how to renumber. Moving a backend out of a public subnet
 * and judging a route to another network are decisions a person makes: manual fixes that
 * name the resources.
 */
import { cidrWithin } from "../checks/network/cidr.js";
import type { CheckResult, Fix } from "../findings/model.js";
import { awsCommand, regionOption } from "./quote.js";

interface NaclEvidence {
  networkAclId?: string;
  ruleNumber?: number;
  cidr?: string;
  port?: number;
  approvedCidrs?: string[];
  inboundRuleNumbers?: number[];
}

function entry(
  region: string | undefined,
  aclId: string,
  ruleNumber: number,
  cidr: string,
  port: number,
  action: "allow" | "deny",
): string {
  return awsCommand("ec2", "create-network-acl-entry", [
    ...regionOption(region),
    ["--network-acl-id", aclId],
    ["--ingress"],
    ["--rule-number", String(ruleNumber)],
    ["--protocol", "6"],
    ["--port-range", `From=${port},To=${port}`],
    [cidr.includes(":") ? "--ipv6-cidr-block" : "--cidr-block", cidr],
    ["--rule-action", action],
  ]);
}

/** net-nacl-open: allow the approved ranges, then deny the rule's range, on the port, just before the rule. */
export function naclOpenFix(result: CheckResult): Fix | undefined {
  const e = result.evidence as NaclEvidence;
  if (!e.networkAclId || e.ruleNumber === undefined || !e.cidr || e.port === undefined) return undefined;
  const { networkAclId: aclId, ruleNumber, cidr, port } = e;
  const keep = (e.approvedCidrs ?? []).filter((a) => cidrWithin(a, cidr));
  const previous = Math.max(0, ...(e.inboundRuleNumbers ?? []).filter((n) => n < ruleNumber));
  const needed = keep.length + 1;
  const first = ruleNumber - needed;
  if (first <= previous) {
    return {
      kind: "manual",
      text: `${aclId}: no ${needed} free rule number${needed > 1 ? "s" : ""} between ${previous} and ${ruleNumber} for ${keep.length ? `allow entries for ${keep.join(", ")} and ` : ""}a deny of tcp ${port} from ${cidr} before rule ${ruleNumber}. Renumber the entries (aws ec2 replace-network-acl-entry / create-network-acl-entry) to make room, or narrow rule ${ruleNumber} so it no longer covers port ${port} from ${cidr}.`,
      commands: [],
    };
  }
  const region = result.resource.region;
  const commands = [
    ...keep.map((approved, i) => entry(region, aclId, first + i, approved, port, "allow")),
    entry(region, aclId, ruleNumber - 1, cidr, port, "deny"),
  ];
  return {
    kind: "aws-cli",
    text: `Deny tcp ${port} from ${cidr} in ${aclId} just before rule ${ruleNumber}${keep.length ? `, after allowing it from ${keep.join(", ")} (approved)` : ""}. Rule ${ruleNumber} keeps admitting its other ports.`,
    commands,
  };
}

/** net-public-subnet: a person moves the backend; the fix names what to move away from. */
export function publicSubnetFix(result: CheckResult): Fix | undefined {
  const e = result.evidence as { publicSubnets?: string[]; internetRoutes?: string[]; subnetsFrom?: string };
  if (!e.publicSubnets?.length) return undefined;
  const id = result.resource.id;
  const rds = result.resource.type.startsWith("AWS::RDS::");
  return {
    kind: "manual",
    text: `${id} uses ${e.subnetsFrom ?? "a subnet group"}, which holds public subnet${e.publicSubnets.length > 1 ? "s" : ""} ${e.publicSubnets.join(", ")} (${(e.internetRoutes ?? []).join("; ")}). ${
      rds
        ? `Give ${id} a subnet group of private subnets only (aws rds modify-db-subnet-group once it no longer runs in the public ones, or restore it into a private DB subnet group), and keep PubliclyAccessible off.`
        : `ElastiCache cannot change a cache's subnet group: create ${id} anew in a cache subnet group of private subnets and move its clients.`
    } Do not delete the internet route itself while other resources of those subnets need it.`,
    commands: [],
  };
}

/** net-foreign-route: approve the network, or remove the route. */
export function foreignRouteFix(result: CheckResult): Fix | undefined {
  const e = result.evidence as { routeTable?: string; destination?: string; target?: string };
  if (!e.routeTable || !e.destination || !e.target) return undefined;
  const option = e.destination.startsWith("pl-")
    ? "--destination-prefix-list-id"
    : e.destination.includes(":")
      ? "--destination-ipv6-cidr-block"
      : "--destination-cidr-block";
  const remove = awsCommand("ec2", "delete-route", [
    ...regionOption(result.resource.region),
    ["--route-table-id", e.routeTable],
    [option, e.destination],
  ]);
  return {
    kind: "manual",
    text: `Decide whether ${e.destination} behind ${e.target} is an approved network. If it is, add it to network.allowedCidrs. If not, remove the route (${remove}) once nothing in the subnets needs it, and keep the backend's security groups and network ACLs closed to it.`,
    commands: [],
  };
}
