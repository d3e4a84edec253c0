import { fail } from "../results.js";
import type { Check } from "../types.js";
import { isWorld } from "./cidr.js";
import { describeRule, subjectOf, withSourceNotes } from "./ingress.js";
import { evaluatePerGroup, guardedList } from "./per-group.js";

export const sgWorldIngress: Check = {
  meta: {
    id: "sg-world-ingress",
    title: "Backend port open to the internet",
    severity: "critical",
    resourceType: "AWS::EC2::SecurityGroup",
    rationale:
      "A rule that admits 0.0.0.0/0 or ::/0 to the queue backend's port lets anyone on the internet (or anyone in the VPC, for private backends) try credentials, exploit the engine, or read an unauthenticated Redis.",
    remediation:
      "Remove the world-open rule and admit only the workers' security groups or approved CIDRs, e.g. `aws ec2 revoke-security-group-ingress --group-id sg-… --ip-permissions IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=0.0.0.0/0}]`. If the rule comes from a managed prefix list, remove 0.0.0.0/0 or ::/0 from the list.",
    references: [
      "AWS Security Hub EC2.19",
      "AWS Security Hub EC2.18",
      "CIS AWS Foundations Benchmark 5.2",
      "CIS AWS Foundations Benchmark 5.3",
    ],
  },
  evaluate(ctx) {
    return evaluatePerGroup(
      "sg-world-ingress",
      ctx,
      (sg, analysis) => ({
        needsPorts: true,
        failures: analysis.reaching
          .filter(({ source: s }) => s.kind === "cidr" && isWorld(s.value))
          .map(({ source: s, port, backends, backendList }) =>
            fail(
              "sg-world-ingress",
              sg.resource,
              subjectOf(s, analysis.group, port),
              `${sg.groupId} admits ${s.value}${s.prefixListId ? ` (through prefix list ${s.prefixListId})` : ""} to port ${port} of ${backendList}: remove the rule.`,
              withSourceNotes({ source: s.value, port, rule: s.rule, ruleText: describeRule(s.rule), backends }, s),
            ),
          ),
      }),
      (sg) => `${sg.groupId} admits no world CIDR to ${guardedList(sg)}.`,
    );
  },
};
