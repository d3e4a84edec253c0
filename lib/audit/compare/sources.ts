/**
 * Which source each finding comes from, and which sources a run failed to observe, so an
 * incomplete run can still close what it did see: one unreachable database or region must
 * not keep every fixed violation elsewhere open. A source is an account/region partition of
 * the AWS inventory, or one PostgreSQL, MySQL or Redis target.
 */
import type { Finding, ResourceRef } from "../findings/model.js";

/** `aws:ACCOUNT/REGION`, `postgres:TARGET`, `mysql:TARGET`, `redis:TARGET`; undefined when a resource names none. */
export function sourceKey(resource: Pick<ResourceRef, "type" | "id" | "account" | "region">): string | undefined {
  const family = resource.type.slice(0, resource.type.indexOf("::"));
  // Target names cannot hold ':', so the target is what precedes the first one (TARGET:SCHEMA.TABLE).
  const target = resource.id.split(":")[0] ?? resource.id;
  switch (family) {
    case "PostgreSQL":
      return `postgres:${target}`;
    case "MySQL":
      return `mysql:${target}`;
    case "Redis":
      return `redis:${target}`;
    default:
      return resource.account !== undefined && resource.region !== undefined ? `aws:${resource.account}/${resource.region}` : undefined;
  }
}

/** What a run did not observe. */
export interface RunGaps {
  /** Something not tied to any one source went unobserved: nothing may be closed by absence. */
  everywhere: boolean;
  /** Source keys with at least one ERROR. */
  sources: ReadonlySet<string>;
  /** Configured target ids that could not be found or looked up: their findings stay as they were. */
  targets: ReadonlySet<string>;
}

export function runGaps(findings: readonly Pick<Finding, "status" | "checkId" | "resource" | "evidence">[]): RunGaps {
  const sources = new Set<string>();
  const targets = new Set<string>();
  let everywhere = false;
  for (const f of findings) {
    if (f.status !== "ERROR") continue;
    const key = sourceKey(f.resource);
    if (key !== undefined) {
      sources.add(key);
      continue;
    }
    if (f.resource.type === "QueueAuditor::Source" && f.resource.id.startsWith("targets/")) {
      targets.add(f.resource.id.slice("targets/".length));
      continue;
    }
    // An audit-error whose blocked checks are ERRORs of their own is covered by those.
    const blocked = f.evidence.blocked;
    if (f.checkId === "audit-error" && Array.isArray(blocked) && blocked.length > 0) continue;
    everywhere = true;
  }
  return { everywhere, sources, targets };
}

/** Whether a run with these gaps observed the source of `resource` fully. */
export function observedIn(gaps: RunGaps, resource: Pick<ResourceRef, "type" | "id" | "account" | "region">): boolean {
  if (gaps.everywhere || gaps.targets.has(resource.id)) return false;
  const key = sourceKey(resource);
  return key !== undefined && !gaps.sources.has(key);
}
