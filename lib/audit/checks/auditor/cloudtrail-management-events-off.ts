/**
 * The deployed auditor re-audits within minutes of a risky change only if it hears the
 * change: EventBridge receives "AWS API Call via CloudTrail" events from a trail that logs
 * management write events in that account and region, never from CloudTrail's event
 * history alone. A FAIL (not an ERROR): the trail's absence is observed, and the audit itself
 * is complete; only what could not be read (DescribeTrails, a trail's status or selectors) is
 * an ERROR. Judged when the config deploys the stack (`deploy`), whose change trigger it serves.
 */
import type { CheckResult, ObservationError, ResourceRef } from "../../findings/model.js";
import type { InventoryPartition, TrailObservation, WireEventSelectors } from "../../inventory/types.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";

const ID = "cloudtrail-management-events-off";

/** Whether the selectors log management write events (basic or advanced selectors). */
export function logsManagementWrites(selectors: WireEventSelectors): boolean {
  const advanced = selectors.AdvancedEventSelectors ?? [];
  if (advanced.length > 0) {
    return advanced.some((s) => {
      const fields = s.FieldSelectors ?? [];
      const category = fields.find((f) => f.Field === "eventCategory");
      if (!category?.Equals?.includes("Management")) return false;
      // readOnly = true keeps only reads; any other readOnly selector (false, or none) keeps writes.
      const readOnly = fields.find((f) => f.Field === "readOnly");
      if (readOnly?.Equals?.length === 1 && readOnly.Equals[0] === "true") return false;
      // An eventSource filter may exclude the services whose changes the trigger listens for.
      const source = fields.find((f) => f.Field === "eventSource");
      return source === undefined;
    });
  }
  return (selectors.EventSelectors ?? []).some(
    (s) =>
      s.IncludeManagementEvents !== false &&
      (s.ReadWriteType === undefined || s.ReadWriteType === "All" || s.ReadWriteType === "WriteOnly"),
  );
}

type Verdict = { hears: true; trail: string } | { hears: false; why: string } | { error: ObservationError; trail: string };

function judgeTrail(t: TrailObservation): Verdict {
  const name = t.trail.TrailARN ?? t.trail.Name ?? "a trail";
  if (!t.status.ok) return { error: t.status.error, trail: name };
  if (t.status.value.IsLogging !== true) return { hears: false, why: `${name} is not logging` };
  if (!t.selectors.ok) return { error: t.selectors.error, trail: name };
  if (!logsManagementWrites(t.selectors.value)) return { hears: false, why: `${name} does not log management write events` };
  return { hears: true, trail: name };
}

function judgePartition(p: InventoryPartition): CheckResult {
  const resource: ResourceRef = { type: "AWS::::Account", id: p.account, account: p.account, region: p.region };
  const what = `whether a CloudTrail trail logs management events in ${p.account}/${p.region}`;
  if (!p.trails) {
    const cause: ObservationError = {
      source: p.origin.kind === "offline" ? `${p.origin.dir}/cloudtrail-describe-trails.json` : "cloudtrail:DescribeTrails",
      reason: "the trails were not collected",
      code: "NotCaptured",
      account: p.account,
      region: p.region,
    };
    return unobserved(ID, resource, cause, what, p.region);
  }
  if (!p.trails.ok) return unobserved(ID, resource, p.trails.error, what, p.region);
  const verdicts = p.trails.value.map(judgeTrail);
  const hearing = verdicts.find((v): v is { hears: true; trail: string } => "hears" in v && v.hears);
  if (hearing) {
    const message = `${p.account}/${p.region}: ${hearing.trail} logs management write events; the change trigger hears changes here.`;
    // The region is the subject of every verdict, so each account x region is its own finding.
    return { ...pass(ID, resource, message, { trail: hearing.trail }), subject: p.region };
  }
  // No trail is known to log here: if one could not be read, it might; say so rather than fail.
  const unread = verdicts.find((v): v is { error: ObservationError; trail: string } => "error" in v);
  if (unread) return unobserved(ID, resource, unread.error, `${what} (${unread.trail})`, p.region);
  const reasons = verdicts.map((v) => ("why" in v ? v.why : "")).filter(Boolean);
  return fail(
    ID,
    resource,
    p.region,
    `${p.account}/${p.region}: no CloudTrail trail logs management write events here${reasons.length > 0 ? ` (${reasons.join("; ")})` : ""}, so the change trigger does not hear changes in this account and region; they wait for the next scheduled run.`,
    { trails: p.trails.value.map((t) => t.trail.TrailARN ?? t.trail.Name), reasons },
  );
}

export const cloudtrailManagementEventsOff: Check = {
  meta: {
    id: ID,
    title: "Changes here are not heard by the change trigger",
    severity: "medium",
    resourceType: "AWS::::Account",
    rationale:
      "The deployed auditor re-audits within minutes of a risky change (a security group opened, a parameter group changed) only through CloudTrail management events; without a trail logging them in an account and region, a change there stays unseen until the next scheduled run, and nobody has a record of who made it.",
    remediation:
      "Log management events in every audited account and region, e.g. one multi-region trail: `aws cloudtrail create-trail --name management-events --s3-bucket-name BUCKET --is-multi-region-trail && aws cloudtrail start-logging --name management-events` (or an organization trail), with management events Read/Write All or WriteOnly.",
    references: ["AWS Security Hub CloudTrail.1", "CIS AWS Foundations Benchmark 3.1"],
  },
  evaluate(ctx) {
    if (!ctx.config.deploy) return [];
    return ctx.inventory.partitions.map(judgePartition);
  },
};
