import { fail } from "../results.js";
import type { Check } from "../types.js";
import { describeRule, type IngressAnalysis, isSelfReference, subjectOf } from "./ingress.js";
import { evaluatePerGroup, guardedList } from "./per-group.js";

const PROBE_WHY = "the auditor's own probe, which connects to the backend to audit it";
const PROBE_REASON = `listed in deploy.probeSecurityGroupIds: ${PROBE_WHY}`;

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
    // The probe's own groups must reach the backends to probe them (docs/deploy.md tells users to admit them).
    const why = new Map<string, string>();
    for (const id of ctx.config.deploy?.probeSecurityGroupIds ?? []) why.set(id, PROBE_REASON);
    // So are the groups of each probe placement (deploy.probes), named by the placement that lists them.
    (ctx.config.deploy?.probes ?? []).forEach((p, i) => {
      for (const id of p.securityGroupIds) why.set(id, `listed in deploy.probes[${i}].securityGroupIds: ${PROBE_WHY}`);
    });
    for (const id of ctx.config.network.allowedSecurityGroups) why.set(id, "listed in network.allowedSecurityGroups");
    const allowed = new Set(why.keys());
    const approvedSources = (analysis: IngressAnalysis) => {
      const out = new Map<string, string>();
      for (const { source: s } of analysis.reaching) {
        const reason = s.kind === "group" ? why.get(s.value) : undefined;
        if (reason) out.set(s.value, reason);
      }
      return [...out].map(([group, reason]) => ({ group, reason }));
    };
    return evaluatePerGroup(
      "sg-unapproved-source-group",
      ctx,
      (sg, analysis) => ({
        needsPorts: true,
        failures: analysis.reaching
          .filter(({ source: s }) => s.kind === "group" && !allowed.has(s.value) && !isSelfReference(s, analysis.group, sg.groupId))
          .map(({ source: s, port, backends, backendList }) => {
            const otherAccount = s.ownerId !== undefined && analysis.group?.OwnerId !== undefined && s.ownerId !== analysis.group.OwnerId;
            const evidence: Record<string, unknown> = { sourceGroup: s.value };
            if (s.ownerId) evidence.sourceAccount = s.ownerId;
            evidence.otherAccount = otherAccount;
            evidence.port = port;
            evidence.rule = s.rule;
            evidence.ruleText = describeRule(s.rule);
            evidence.backends = backends;
            if (s.description) evidence.description = s.description;
            return fail(
              "sg-unapproved-source-group",
              sg.resource,
              subjectOf(s, analysis.group, port),
              `${sg.groupId} admits members of ${s.value}${otherAccount ? ` in account ${s.ownerId}` : ""}, which is not an approved group, to port ${port} of ${backendList}.`,
              evidence,
            );
          }),
      }),
      (sg, analysis) => {
        const probes = approvedSources(analysis).filter((a) => a.reason.endsWith(PROBE_WHY));
        const note = probes.length > 0 ? ` (${probes.map((p) => p.group).join(", ")}: the auditor's probe)` : "";
        return `Every security group that ${sg.groupId} admits to ${guardedList(sg)} is approved${note}.`;
      },
      (_sg, analysis) => {
        const approved = approvedSources(analysis);
        return approved.length > 0 ? { approvedSources: approved } : {};
      },
    );
  },
};
