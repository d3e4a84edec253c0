/**
 * Mutes that cannot do what their writer thinks: one whose resource or subject cannot take
 * the form the check's findings have (so it silences nothing), one already expired, and —
 * after an audit — one that matched no violation. Warnings, not errors: a stale mute is
 * harmless to the evidence, but a user who relies on it should know.
 */
import ipaddr from "ipaddr.js";
import type { Config, Mute } from "../config/schema.js";
import type { Finding } from "./model.js";
import { findMute, muteIsActive } from "./mutes.js";

const GROUP = /^(\d{12}\/)?sg-[0-9a-f]{8}([0-9a-f]{9})?$/;
const AWS_ID = /^[A-Za-z][A-Za-z0-9-]{0,254}$/;

/** A network finding's subject: SOURCE, or SOURCE PROTOCOL [PORT] (`198.51.100.0/24 tcp 5432`). */
function networkSubjectProblem(subject: string): string | undefined {
  const [source = "", protocol, port, ...rest] = subject.split(" ");
  const sourceOk = GROUP.test(source) || /^pl-[0-9a-f]+$/.test(source) || ipaddr.isValidCIDR(source);
  if (!sourceOk || rest.length > 0 || (port !== undefined && !/^\d{1,5}$/.test(port)) || protocol === "") {
    return `a network subject is SOURCE or "SOURCE PROTOCOL PORT" (such as 198.51.100.0/24 tcp 5432), with SOURCE a CIDR or security group id`;
  }
  return undefined;
}

function targetOf(resource: string): string {
  return resource.split(":")[0] ?? resource;
}

/** Why a mute can never match a finding of its check, or undefined when its form fits. */
function formProblem(mute: Mute, config: Config): string | undefined {
  const family = mute.check.split("-")[0];
  if (mute.check === "audit-error") return "audit-error findings are ERRORs, which mutes never silence";
  if (config.checks.disabled.includes(mute.check)) return `${mute.check} is disabled in checks.disabled, so it has no finding to silence`;
  switch (family) {
    case "sg":
      if (!GROUP.test(mute.resource) || mute.resource.includes("/"))
        return "the resource of a network finding is a security group id (sg-…)";
      return mute.subject === undefined ? undefined : networkSubjectProblem(mute.subject);
    case "rds":
    case "cache":
      return AWS_ID.test(mute.resource)
        ? undefined
        : `the resource of a ${family} finding is its AWS identifier (letters, digits, hyphens)`;
    case "pg": {
      const names = config.postgres.map((t) => t.name);
      return names.includes(targetOf(mute.resource))
        ? undefined
        : `the resource of a PostgreSQL finding is TARGET, TARGET:SCHEMA or TARGET:SCHEMA.TABLE with TARGET one of postgres[].name (${names.join(", ") || "none configured"})`;
    }
    case "redis": {
      const names = config.redis.map((t) => t.name);
      return names.includes(targetOf(mute.resource))
        ? undefined
        : `the resource of a Redis finding is one of redis[].name (${names.join(", ") || "none configured"})`;
    }
    default:
      return undefined;
  }
}

function describeMute(mute: Mute, index: number): string {
  return `mutes[${index}] (${mute.check} on ${JSON.stringify(mute.resource)}${mute.subject !== undefined ? ` subject ${JSON.stringify(mute.subject)}` : ""})`;
}

/** What `config check` warns about: mutes whose form cannot match, and mutes already expired as of `now`. */
export function muteWarnings(config: Config, now: Date): string[] {
  const out: string[] = [];
  config.mutes.forEach((mute, i) => {
    const problem = formProblem(mute, config);
    if (problem) out.push(`${describeMute(mute, i)} can never match: ${problem}`);
    if (!muteIsActive(mute, now)) out.push(`${describeMute(mute, i)} expired on ${mute.expires} and no longer applies; renew or remove it`);
  });
  return out;
}

/** What an audit warns about: mutes that matched no violation (FAIL or MUTED finding) of this run. */
export function unmatchedMuteWarnings(config: Pick<Config, "mutes">, findings: readonly Finding[]): string[] {
  const violations = findings.filter((f) => f.status === "FAIL" || f.status === "MUTED");
  const always = new Date(0);
  const out: string[] = [];
  config.mutes.forEach((mute, i) => {
    if (violations.some((f) => findMute([mute], f, always) !== undefined)) return;
    out.push(`${describeMute(mute, i)} matched no violation in this audit; remove it if what it silenced is fixed`);
  });
  return out;
}
