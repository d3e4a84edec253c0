/** The security groups that guard the backends in scope, each with the backends and ports it guards. */
import { type InventoryPartition, type Observed, refOf, sourceOf, type WireSecurityGroup } from "../inventory/types.js";
import { gap } from "./resolution.js";
import type { Backend, ScopedSecurityGroup, ScopeGap } from "./types.js";

export function attachSecurityGroups(backends: Backend[], gaps: ScopeGap[]): ScopedSecurityGroup[] {
  const groups = new Map<string, ScopedSecurityGroup>();
  const indexes = new Map<InventoryPartition, Map<string, WireSecurityGroup>>();
  const indexOf = (partition: InventoryPartition) => {
    let index = indexes.get(partition);
    if (!index) {
      index = new Map((partition.securityGroups.ok ? partition.securityGroups.value : []).map((g) => [g.GroupId ?? "", g]));
      indexes.set(partition, index);
    }
    return index;
  };
  for (const backend of backends) {
    const { partition } = backend;
    if (!backend.securityGroupIds.ok) {
      const cause = backend.securityGroupIds.error;
      gaps.push(
        gap(
          backend.resource,
          cause.source,
          `The security groups of ${backend.resource.id} could not be determined: ${cause.reason}.`,
          cause,
        ),
      );
      continue;
    }
    for (const groupId of backend.securityGroupIds.value) {
      const key = `${partition.account}/${partition.region}/${groupId}`;
      let scoped = groups.get(key);
      if (!scoped) {
        const described = indexOf(partition).get(groupId);
        let group: Observed<WireSecurityGroup>;
        if (!partition.securityGroups.ok) group = partition.securityGroups;
        else if (described) group = { ok: true, value: described };
        else {
          group = {
            ok: false,
            error: {
              source: sourceOf(partition, "securityGroups"),
              ...(refOf(partition, "securityGroups") ? { ref: refOf(partition, "securityGroups") } : {}),
              reason: `security group ${groupId} is attached to ${backend.resource.id} but was not described`,
              code: "NotCaptured",
              account: partition.account,
              region: partition.region,
            },
          };
        }
        scoped = {
          groupId,
          partition,
          resource: {
            type: "AWS::EC2::SecurityGroup",
            id: groupId,
            account: partition.account,
            region: partition.region,
            ...(described?.SecurityGroupArn ? { arn: described.SecurityGroupArn } : {}),
          },
          group,
          guards: [],
        };
        groups.set(key, scoped);
      }
      scoped.guards.push({ backend, ports: backend.ports });
    }
  }
  return [...groups.values()];
}
