import { fail } from "../results.js";
import type { Check } from "../types.js";
import { cidrAllowList, isWorld } from "./cidr.js";
import { describeRule, subjectOf, withSourceNotes } from "./ingress.js";
import { evaluatePerGroup, guardedList } from "./per-group.js";

export const sgUnapprovedCidr: Check = {
  meta: {
    id: "sg-unapproved-cidr",
    title: "Backend port open to an unapproved network",
    severity: "high",
    resourceType: "AWS::EC2::SecurityGroup",
    rationale:
      "Every network that can reach the queue backend is a network whose hosts can try to read or inject jobs. Only the approved ranges (network.allowedCidrs) should reach it.",
    remediation:
      "Replace the CIDR rule with a rule that references the workers' security group, or narrow it to an approved range; if the range is approved, add it to network.allowedCidrs (or mute the finding with a reason and an expiry).",
    references: ["AWS Security Hub EC2.18", "CIS AWS Foundations Benchmark 5.2"],
  },
  evaluate(ctx) {
    const allowedBy = cidrAllowList(ctx.config.network.allowedCidrs);
    return evaluatePerGroup(
      "sg-unapproved-cidr",
      ctx,
      (sg, analysis) => ({
        needsPorts: true,
        failures: analysis.reaching
          .filter(({ source: s }) => s.kind === "cidr" && !isWorld(s.value) && allowedBy(s.value) === undefined)
          .map(({ source: s, port, backends, backendList }) =>
            fail(
              "sg-unapproved-cidr",
              sg.resource,
              subjectOf(s, analysis.group, port),
              `${sg.groupId} admits ${s.value}${s.prefixListId ? ` (through prefix list ${s.prefixListId})` : ""}, which is outside the approved networks, to port ${port} of ${backendList}.`,
              withSourceNotes(
                {
                  source: s.value,
                  port,
                  rule: s.rule,
                  ruleText: describeRule(s.rule),
                  backends,
                  allowedCidrs: ctx.config.network.allowedCidrs,
                },
                s,
              ),
            ),
          ),
      }),
      (sg) => `Every CIDR that ${sg.groupId} admits to ${guardedList(sg)} is inside an approved network.`,
    );
  },
};
