import { fail } from "../results.js";
import type { Check } from "../types.js";
import { describeRule, isSelfReference, subjectOf } from "./ingress.js";
import { evaluatePerGroup, guardedList } from "./per-group.js";

export const sgUnapprovedSourceGroup: Check = {
  meta: {
    id: "sg-unapproved-source-group",
    title: "Backend port open to an unapproved security group",
    severity: "high",
    resourceType: "AWS::EC2::SecurityGroup",
    rationale:
      "A rule that references another security group admits every instance, task or function in that group — including ones in other accounts through VPC peering. Only the workers' and admins' groups should reach the queue backend.",
    remediation:
      "Remove the rule, or add the group to network.allowedSecurityGroups if its members are approved workers or admins: `aws ec2 revoke-security-group-ingress --group-id sg-… --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{GroupId=sg-…}]'`.",
    references: ["AWS Security Hub EC2.18"],
  },
  evaluate(ctx) {
    const allowed = new Set(ctx.config.network.allowedSecurityGroups);
    return evaluatePerGroup(
      "sg-unapproved-source-group",
      ctx,
      (sg, analysis) => ({
        needsPorts: true,
        failures: analysis.reaching
          .filter(({ source: s }) => s.kind === "group" && !allowed.has(s.value) && !isSelfReference(s, analysis.group, sg.groupId))
          .map(({ source: s, port, backends }) => {
            const otherAccount = s.ownerId !== undefined && analysis.group?.OwnerId !== undefined && s.ownerId !== analysis.group.OwnerId;
            return fail(
              "sg-unapproved-source-group",
              sg.resource,
              subjectOf(s, analysis.group, port),
              `${sg.groupId} admits members of ${s.value}${otherAccount ? ` in account ${s.ownerId}` : ""}, which is not an approved group, to port ${port} of ${backends.join(", ")}.`,
              {
                sourceGroup: s.value,
                ...(s.ownerId ? { sourceAccount: s.ownerId } : {}),
                otherAccount,
                port,
                rule: s.rule,
                ruleText: describeRule(s.rule),
                backends,
                ...(s.description ? { description: s.description } : {}),
              },
            );
          }),
      }),
      (sg) => `Every security group that ${sg.groupId} admits to ${guardedList(sg)} is approved.`,
    );
  },
};
