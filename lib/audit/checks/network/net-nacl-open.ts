import type { CheckResult, ResourceRef } from "../../findings/model.js";
import type { WireNetworkAcl } from "../../inventory/types.js";
import type { Backend } from "../../scope/index.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import { isWorld } from "./cidr.js";
import { admissions, describeNaclRule, entriesOf, outsideApproved, returnTraffic } from "./nacl.js";
import { backendPaths, isInternetDefault } from "./path.js";
import { size } from "./ranges.js";

interface GuardedAcl {
  acl: WireNetworkAcl;
  resource: ResourceRef;
  /** In the order the paths name them; a set, as one ACL can guard thousands of backends. */
  backends: Set<Backend>;
  subnets: Set<string>;
  publicSubnet: boolean;
}

export const netNaclOpen: Check = {
  meta: {
    id: "net-nacl-open",
    title: "Network ACL admits unapproved sources to the backend port",
    severity: "medium",
    resourceType: "AWS::EC2::NetworkAcl",
    rationale:
      "The network ACL is the subnet's own firewall, the layer that still holds when a security group rule is too wide. One that admits the backend port from 0.0.0.0/0, ::/0 or ranges outside network.allowedCidrs is not default-deny. The classic case is a rule for return traffic (tcp 1024-65535 from anywhere) that also covers 5432 or 6379. Entries are read as AWS does: lowest rule number first, the first match decides, so an allow after a deny for the same range has no effect and a deny after an allow does not help.",
    remediation:
      "Put a deny entry for the backend port from the unapproved range before the allowing entry (a lower rule number), after allow entries for the approved ranges, e.g. `aws ec2 create-network-acl-entry --network-acl-id acl-… --ingress --rule-number 115 --protocol 6 --port-range From=6379,To=6379 --cidr-block 0.0.0.0/0 --rule-action deny`; or narrow the allowing entry (`aws ec2 replace-network-acl-entry`).",
    references: ["AWS Security Hub EC2.21", "CIS AWS Foundations Benchmark 5.1", "Amazon VPC User Guide: network ACL rules"],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    const acls = new Map<string, GuardedAcl>();
    for (const path of backendPaths(ctx.scope)) {
      const b = path.backend;
      if (path.unobserved) {
        out.push(unobserved("net-nacl-open", b.resource, path.unobserved, `the network ACLs of ${b.resource.id}`));
        continue;
      }
      if (b.ports.length === 0) {
        out.push(
          unobserved(
            "net-nacl-open",
            b.resource,
            {
              source: b.resource.id,
              reason: `the endpoint port of ${b.resource.id} is not in the inventory`,
              code: "PortUnknown",
              account: b.partition.account,
              region: b.partition.region,
            },
            `which network ACL entries reach ${b.resource.id}`,
            `port of ${b.resource.id}`,
          ),
        );
        continue;
      }
      for (const s of path.subnets) {
        const aclId = s.networkAcl.NetworkAclId ?? "(unnamed)";
        const key = `${b.partition.account}/${b.partition.region}/${aclId}`;
        let guarded = acls.get(key);
        if (!guarded) {
          guarded = {
            acl: s.networkAcl,
            resource: { type: "AWS::EC2::NetworkAcl", id: aclId, account: b.partition.account, region: b.partition.region },
            backends: new Set(),
            subnets: new Set(),
            publicSubnet: false,
          };
          acls.set(key, guarded);
        }
        guarded.backends.add(b);
        guarded.subnets.add(s.subnetId);
        if (s.routes.some(isInternetDefault)) guarded.publicSubnet = true;
      }
    }
    const approved = ctx.config.network.allowedCidrs;
    for (const g of acls.values()) {
      const aclId = g.resource.id;
      const backends = [...g.backends];
      const ports = [...new Set(backends.flatMap((b) => b.ports))].sort((a, c) => a - c);
      const failures: CheckResult[] = [];
      const allowing: string[] = [];
      for (const port of ports) {
        const reached = backends.filter((b) => b.ports.includes(port)).map((b) => b.resource.id);
        for (const admission of admissions(g.acl, port)) {
          const outside = outsideApproved(admission, approved);
          const { rule } = admission;
          if (outside.length === 0) {
            allowing.push(`${describeNaclRule(rule)} (port ${port})`);
            continue;
          }
          const world = isWorld(rule.cidr);
          const result = fail(
            "net-nacl-open",
            g.resource,
            `rule ${rule.ruleNumber} ${rule.cidr} tcp ${port}`,
            `${aclId} ${describeNaclRule(rule)}, which admits ${world ? "the internet" : `${rule.cidr}, outside network.allowedCidrs,`} to port ${port} of ${reached.join(", ")}: deny it before rule ${rule.ruleNumber}, or narrow the rule.`,
            {
              networkAclId: aclId,
              ruleNumber: rule.ruleNumber,
              cidr: rule.cidr,
              protocol: rule.protocol,
              ...(rule.portRange ? { portRange: rule.portRange } : {}),
              port,
              addressesOutsideApproved: size(outside).toString(),
              backends: reached,
              subnets: [...g.subnets],
              approvedCidrs: approved.filter((a) => a.includes(":") === rule.cidr.includes(":")),
              inboundRuleNumbers: entriesOf(g.acl, false).map((r) => r.ruleNumber),
            },
          );
          if (world && g.publicSubnet) result.severity = "high";
          failures.push(result);
        }
      }
      out.push(...failures);
      if (failures.length === 0) {
        out.push(
          pass(
            "net-nacl-open",
            g.resource,
            `${aclId} admits port${ports.length > 1 ? "s" : ""} ${ports.join(", ")} of ${backends.map((b) => b.resource.id).join(", ")} only from network.allowedCidrs${allowing.length ? ` (${allowing.join("; ")})` : " (no entry admits them at all)"}.`,
            {
              ports,
              backends: backends.map((b) => b.resource.id),
              subnets: [...g.subnets],
              allowingRules: allowing,
              // Stateless: replies go out through the outbound entries. Information only.
              returnTraffic: approved.map((cidr) => returnTraffic(g.acl, cidr)),
            },
          ),
        );
      }
    }
    return out;
  },
};
