import type { CheckResult } from "../../findings/model.js";
import type { ScopedSecurityGroup } from "../../scope/index.js";
import type { CheckId } from "../ids.js";
import { pass, unobserved } from "../results.js";
import type { AuditContext } from "../types.js";
import { analyseIngress, describeRule, type IngressAnalysis } from "./ingress.js";

export interface GroupVerdict {
  failures: CheckResult[];
  /** True for checks about the backend ports (unknown ports block them); false for the all-traffic check. */
  needsPorts: boolean;
}

/**
 * Runs a network check over every in-scope security group: ERROR when the group, a prefix
 * list it uses or a guarded backend's port was not observed; FAILs from `judge`; else PASS.
 */
export function evaluatePerGroup(
  checkId: CheckId,
  ctx: AuditContext,
  judge: (sg: ScopedSecurityGroup, analysis: IngressAnalysis) => GroupVerdict,
  passMessage: (sg: ScopedSecurityGroup, analysis: IngressAnalysis) => string,
  /** What a PASS adds to its evidence (why the sources it admits are approved). */
  passEvidence: (sg: ScopedSecurityGroup, analysis: IngressAnalysis) => Record<string, unknown> = () => ({}),
): CheckResult[] {
  const out: CheckResult[] = [];
  for (const sg of ctx.scope.securityGroups) {
    const analysis = analyseIngress(ctx.scope, sg);
    if (analysis.unobserved) {
      out.push(unobserved(checkId, sg.resource, analysis.unobserved, `the ingress rules of ${sg.groupId}`));
      continue;
    }
    const { failures, needsPorts } = judge(sg, analysis);
    out.push(...failures);
    const errors: CheckResult[] = [];
    for (const list of analysis.unknownPrefixLists) {
      // Port checks care about lists on rules that reach a port; the all-traffic check about `-1` rules.
      if (needsPorts ? !list.reachesPort : list.rule.IpProtocol !== "-1") continue;
      errors.push(
        unobserved(
          checkId,
          sg.resource,
          list.error,
          `what prefix list ${list.prefixListId} admits (${describeRule(list.rule)})`,
          list.prefixListId,
        ),
      );
    }
    if (needsPorts) {
      for (const backend of analysis.portUnknown) {
        errors.push(
          unobserved(
            checkId,
            sg.resource,
            {
              source: backend.resource.id,
              reason: `the endpoint port of ${backend.resource.id} is not in the inventory`,
              code: "PortUnknown",
              account: backend.partition.account,
              region: backend.partition.region,
            },
            `which rules reach ${backend.resource.id}`,
            `port of ${backend.resource.id}`,
          ),
        );
      }
    }
    out.push(...errors);
    if (failures.length === 0 && errors.length === 0) {
      out.push(
        pass(checkId, sg.resource, passMessage(sg, analysis), {
          ports: analysis.ports,
          guards: analysis.guardIds,
          sourcesReachingPorts: analysis.reaching.length,
          ...passEvidence(sg, analysis),
        }),
      );
    }
  }
  return out;
}

export function guardedList(sg: ScopedSecurityGroup): string {
  return sg.guards.map((g) => `${g.backend.resource.id}${g.ports.length ? ` (${g.ports.join(", ")})` : ""}`).join(", ");
}
