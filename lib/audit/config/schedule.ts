/**
 * EventBridge Scheduler's own rules for `rate(…)` and `cron(…)` expressions, so a schedule
 * the service would reject fails `config check` and the synth with one line, not the deploy.
 * Rules (EventBridge Scheduler User Guide, "Schedule types"): a rate is a positive integer
 * and a unit, singular for 1 and plural otherwise; a cron has six fields (minutes hours
 * day-of-month month day-of-week year) and exactly one of the two day fields is `?`.
 */

const RATE = /^rate\((\S+) (\S+)\)$/;
const CRON = /^cron\((.*)\)$/;
const UNITS = new Set(["minute", "hour", "day"]);

const CRON_FIELDS: { name: string; chars: RegExp }[] = [
  { name: "minutes", chars: /^[0-9,*/-]+$/ },
  { name: "hours", chars: /^[0-9,*/-]+$/ },
  { name: "day-of-month", chars: /^[0-9,*?/LW-]+$/ },
  { name: "month", chars: /^[0-9A-Za-z,*/-]+$/ },
  { name: "day-of-week", chars: /^[0-9A-Za-z,*?L#-]+$/ },
  { name: "year", chars: /^[0-9,*/-]+$/ },
];

const EXPECTED = "expected rate(N minute|minutes|hour|hours|day|days) or cron(minutes hours day-of-month month day-of-week year)";

/** Why EventBridge Scheduler would reject `expression`, or undefined when it is valid. */
export function scheduleProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const [, count = "", unit = ""] = rate;
    if (!/^\d+$/.test(count) || Number(count) < 1) return `expected rate(N unit) with N a positive integer, got ${count}`;
    const singular = unit.endsWith("s") ? unit.slice(0, -1) : unit;
    if (!UNITS.has(singular)) return `expected a rate unit of minute(s), hour(s) or day(s), got ${unit}`;
    if (Number(count) === 1 && unit !== singular)
      return `expected rate(1 ${singular}): EventBridge Scheduler takes the singular unit for 1`;
    if (Number(count) > 1 && unit === singular)
      return `expected rate(${count} ${singular}s): EventBridge Scheduler takes the plural unit above 1`;
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = (cron[1] ?? "").trim().split(/\s+/).filter(Boolean);
    if (fields.length !== 6)
      return `expected cron() with the 6 fields EventBridge Scheduler requires (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
    for (const [i, spec] of CRON_FIELDS.entries()) {
      if (!spec.chars.test(fields[i] ?? "")) return `expected a valid ${spec.name} field in cron(), got "${fields[i]}"`;
    }
    const [dom, dow] = [fields[2], fields[4]];
    if ((dom === "?") === (dow === "?"))
      return "expected ? in exactly one of the day-of-month and day-of-week fields of cron(), such as cron(0 * * * ? *)";
    return undefined;
  }
  return EXPECTED;
}
