/**
 * Fixes for the security-group checks: revoke exactly the rule the finding names (its
 * group, protocol, port range and source, with the source group's owner account), and for
 * an all-traffic rule from an approved source, authorize the narrow TCP rule first so the
 * backend stays reachable for it.
 */
import { cidrAllowList, isWorld } from "../checks/network/cidr.js";
import { analyseIngress, type RuleSummary } from "../checks/network/ingress.js";
import type { AuditContext } from "../checks/types.js";
import type { CheckResult, Fix } from "../findings/model.js";
import { securityGroupAt } from "../scope/lookup.js";
import { deferredFix, type FixWords } from "./deferred.js";
import { shellWord } from "./quote.js";

interface RuleEvidence {
  rule?: RuleSummary;
  source?: string;
  sourceGroup?: string;
  sourceKind?: "cidr" | "group";
  sourceAccount?: string;
  prefixListId?: string;
  port?: number;
}

/** A rule's source as EC2 names it: a CIDR, or a group with its owner account. */
interface RuleSource {
  kind: "cidr" | "group";
  value: string;
  ownerId?: string;
}

/** The `--ip-permissions` JSON of one rule and one source, as EC2 matches it on revoke. */
export function ipPermission(rule: RuleSummary, source: RuleSource): string {
  // Written out rather than built as an object and stringified: an estate has tens of
  // thousands of these. Each value still goes through JSON.stringify, so quoting is JSON's.
  const j = JSON.stringify;
  let out = `[{"IpProtocol":${j(rule.IpProtocol)}`;
  if (rule.FromPort !== undefined) out += `,"FromPort":${j(rule.FromPort)}`;
  if (rule.ToPort !== undefined) out += `,"ToPort":${j(rule.ToPort)}`;
  if (source.kind === "group") {
    out += `,"UserIdGroupPairs":[{"GroupId":${j(source.value)}`;
    if (source.ownerId) out += `,"UserId":${j(source.ownerId)}`;
    out += "}]";
  } else if (source.value.includes(":")) {
    out += `,"Ipv6Ranges":[{"CidrIpv6":${j(source.value)}}]`;
  } else {
    out += `,"IpRanges":[{"CidrIp":${j(source.value)}}]`;
  }
  return `${out}}]`;
}

/**
 * One ingress call on one group: `awsCommand`'s words, written out as one string (an estate
 * has tens of thousands of these; each value is still quoted by shellWord).
 */
function ingressCall(operation: string, groupId: string, region: string | undefined, permissions: string): string {
  const where = region ? `--region ${shellWord(region)} ` : "";
  return `aws ec2 ${operation} ${where}--group-id ${shellWord(groupId)} --ip-permissions ${shellWord(permissions)}`;
}

function revoke(groupId: string, region: string | undefined, permissions: string): string {
  return ingressCall("revoke-security-group-ingress", groupId, region, permissions);
}

function authorize(groupId: string, region: string | undefined, permissions: string): string {
  return ingressCall("authorize-security-group-ingress", groupId, region, permissions);
}

function ruleText(rule: RuleSummary): string {
  if (rule.IpProtocol === "-1") return "all protocols and ports";
  if (rule.FromPort === undefined || rule.FromPort === -1) return `${rule.IpProtocol} on all ports`;
  return rule.FromPort === rule.ToPort ? `${rule.IpProtocol} ${rule.FromPort}` : `${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort}`;
}

/** A rule wider than the backend port: revoking it also closes the other ports it covers. */
function widerNote(rule: RuleSummary, port: number | undefined): string {
  if (port === undefined) return "";
  if (rule.IpProtocol !== "-1" && rule.FromPort === port && rule.ToPort === port) return "";
  return ` The rule covers more than port ${port} (${ruleText(rule)}): revoking it closes those ports to this source too; authorize any of them it still needs on its own.`;
}

interface PrefixListEntry {
  groupId: string;
  prefixListId: string;
  cidr: string;
}

function prefixListFix(groupId: string, prefixListId: string, cidr: string): Fix {
  return deferredFix("manual", prefixListWords, { groupId, prefixListId, cidr });
}

function prefixListWords({ groupId, prefixListId, cidr }: PrefixListEntry): FixWords {
  return {
    text: `${cidr} reaches ${groupId} through managed prefix list ${prefixListId}, which other rules and groups may share: remove the entry from the list (aws ec2 modify-managed-prefix-list --prefix-list-id ${prefixListId} --current-version N --remove-entries Cidr=${cidr}) or stop referencing the list in ${groupId}, after checking who else uses it (aws ec2 get-managed-prefix-list-associations --prefix-list-id ${prefixListId}).`,
    commands: [],
  };
}

/** sg-world-ingress, sg-unapproved-cidr, sg-unapproved-source-group: revoke the rule for that source. */
export function revokeSourceFix(result: CheckResult): Fix | undefined {
  const e = result.evidence as RuleEvidence;
  const groupId = result.resource.id;
  if (!e.rule) return undefined;
  if (e.prefixListId && e.source) return prefixListFix(groupId, e.prefixListId, e.source);
  const isGroup = e.sourceGroup !== undefined || e.sourceKind === "group";
  const value = e.sourceGroup ?? e.source;
  if (!value) return undefined;
  // One per rule and source: written when read (see deferred.ts), from values taken now.
  return deferredFix("aws-cli", revokeWords, {
    groupId,
    region: result.resource.region,
    rule: e.rule,
    port: e.port,
    kind: isGroup ? "group" : "cidr",
    value,
    ownerId: e.sourceAccount,
  });
}

/** One rule and one source on one group: what a revoke fix is written from. */
interface RuleOnGroup {
  groupId: string;
  region: string | undefined;
  rule: RuleSummary;
  /** The backend port the finding is about (undefined for the all-traffic check). */
  port?: number;
  kind: RuleSource["kind"];
  value: string;
  /** The source group's owner account. */
  ownerId: string | undefined;
}

function revokeWords({ groupId, region, rule, port, kind, value, ownerId }: RuleOnGroup): FixWords {
  const who = kind === "group" ? `security group ${value}${ownerId ? ` (account ${ownerId})` : ""}` : value;
  return {
    text: `Revoke the ${ruleText(rule)} rule from ${who} on ${groupId}.${widerNote(rule, port)}`,
    commands: [revoke(groupId, region, ipPermission(rule, sourceOf(kind, value, ownerId)))],
  };
}

function sourceOf(kind: RuleSource["kind"], value: string, ownerId: string | undefined): RuleSource {
  return ownerId ? { kind, value, ownerId } : { kind, value };
}

function approved(ctx: AuditContext, source: RuleSource): boolean {
  if (source.kind === "group") return ctx.config.network.allowedSecurityGroups.includes(source.value);
  return false;
}

/** The TCP ports of the backends the group guards, from scope (the ingress analysis has them sorted, once per group). */
function guardedPorts(ctx: AuditContext, result: CheckResult): readonly number[] {
  const sg = securityGroupAt(ctx.scope, result.resource);
  return sg ? analyseIngress(ctx.scope, sg).ports : [];
}

/**
 * sg-all-traffic: revoke the `-1` rule. For an approved source group or CIDR, first
 * authorize its backend ports, so it keeps the access the policy gives it. An unapproved or
 * world CIDR gets no new rule: the port checks report those on their own.
 */
export function allTrafficFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const e = result.evidence as RuleEvidence;
  const groupId = result.resource.id;
  if (!e.rule || !e.source) return undefined;
  if (e.prefixListId) return prefixListFix(groupId, e.prefixListId, e.source);
  const kind = e.sourceKind ?? "cidr";
  const keep = kind === "group" ? approved(ctx, { kind, value: e.source }) : isApprovedCidr(ctx, e.source);
  return deferredFix("aws-cli", allTrafficWords, {
    groupId,
    region: result.resource.region,
    rule: e.rule,
    kind,
    value: e.source,
    ownerId: e.sourceAccount,
    ports: keep ? guardedPorts(ctx, result) : [],
  });
}

function allTrafficWords({ groupId, region, rule, kind, value, ownerId, ports }: RuleOnGroup & { ports: readonly number[] }): FixWords {
  const source = sourceOf(kind, value, ownerId);
  const commands = [
    ...ports.map((port) => authorize(groupId, region, ipPermission({ IpProtocol: "tcp", FromPort: port, ToPort: port }, source))),
    revoke(groupId, region, ipPermission(rule, source)),
  ];
  const narrowed =
    ports.length > 0
      ? ` First authorize TCP ${ports.join(", ")} (the backend port${ports.length > 1 ? "s" : ""}) for it, then revoke the all-traffic rule.`
      : " It is not an approved source, so no narrower rule replaces it.";
  return { text: `Replace the all-traffic rule from ${value} on ${groupId}.${narrowed}`, commands };
}

function isApprovedCidr(ctx: AuditContext, cidr: string): boolean {
  return !isWorld(cidr) && cidrAllowList(ctx.config.network.allowedCidrs)(cidr) !== undefined;
}
