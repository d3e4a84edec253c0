import { fail } from "../results.js";
import type { Check } from "../types.js";
import { isSelfReference, type Source, subjectOf } from "./ingress.js";
import { evaluatePerGroup } from "./per-group.js";

/** Key order as the JSON output has always had it: optional notes assigned, not spread. */
function allTrafficEvidence(s: Source): Record<string, unknown> {
  const evidence: Record<string, unknown> = { source: s.value, sourceKind: s.kind, rule: s.rule };
  if (s.prefixListId) evidence.prefixListId = s.prefixListId;
  if (s.ownerId) evidence.sourceAccount = s.ownerId;
  return evidence;
}

export const sgAllTraffic: Check = {
  meta: {
    id: "sg-all-traffic",
    title: "All-traffic rule on a backend's security group",
    severity: "medium",
    resourceType: "AWS::EC2::SecurityGroup",
    rationale:
      "An all-protocols, all-ports rule on a group that guards the queue backend admits far more than the backend's port; it is usually a leftover from debugging and widens what a compromised source can reach.",
    remediation:
      "Replace the `-1` rule with a TCP rule for the backend's port only, e.g. `aws ec2 revoke-security-group-ingress --group-id sg-… --ip-permissions IpProtocol=-1,UserIdGroupPairs=[{GroupId=sg-…}]` then authorize `IpProtocol=tcp,FromPort=5432,ToPort=5432`.",
    references: ["AWS Security Hub EC2.18"],
  },
  evaluate(ctx) {
    return evaluatePerGroup(
      "sg-all-traffic",
      ctx,
      (sg, analysis) => {
        const seen = new Set<string>();
        const failures = [];
        for (const s of analysis.allTraffic) {
          if (isSelfReference(s, analysis.group, sg.groupId)) continue;
          const subject = subjectOf(s, analysis.group);
          if (seen.has(subject)) continue;
          seen.add(subject);
          failures.push(
            fail(
              "sg-all-traffic",
              sg.resource,
              subject,
              `${sg.groupId} allows all protocols and ports from ${s.value}${s.prefixListId ? ` (prefix list ${s.prefixListId})` : ""}: narrow it to the backend's TCP port.`,
              allTrafficEvidence(s),
            ),
          );
        }
        return { failures, needsPorts: false };
      },
      (sg) => `${sg.groupId} has no all-traffic rule from a source other than itself.`,
    );
  },
};
