/**
 * Runs the schedule expected but that did not happen. The config's `schedule` is an
 * EventBridge Scheduler expression (UTC):
 *
 * - `rate(N unit)` fires every N units from when the schedule was created, which the store
 *   does not know; so a gap is any stretch of the period longer than one period and a
 *   half without a run start (from the period's start to the first run, between runs, and
 *   from the last run to the period's end), and it missed `floor(length / period) - 1`
 *   runs between two runs (`floor(length / period)` at the period's edges).
 * - `cron(…)` names its fire times: each one in the period with no run starting within
 *   the tolerance after it is missed; consecutive misses make one gap.
 *
 * Pure: the period end is the earlier of `until` and now (the future is not a gap).
 */

export interface ScheduleGap {
  /** ISO 8601: the last run before the gap (or the period's start). */
  from: string;
  /** ISO 8601: the first run after the gap (or the period's end). */
  to: string;
  /** Runs the schedule expected in the gap. */
  missed: number;
}

export interface ScheduleExpectation {
  expression: string;
  /** Runs the schedule expected in the period (rate: period length / rate). */
  expected: number;
  /** Recorded runs that started in the period. */
  recorded: number;
  missed: number;
  gaps: ScheduleGap[];
  /** Why the expectation is approximate, if it is (a cron feature this reader does not model). */
  note?: string;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The rate's period in ms, or undefined for a cron expression. */
export function ratePeriodMs(expression: string): number | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  return rate ? Number(rate[1]) * (UNIT_MS[rate[2] as string] as number) : undefined;
}

/** A cron field's allowed values, or undefined when it uses what this reader does not model (L, W, #). */
function field(spec: string, min: number, max: number, names: readonly string[] = []): Set<number> | undefined {
  const out = new Set<number>();
  const value = (text: string) => {
    const i = names.indexOf(text.toUpperCase());
    return i >= 0 ? i + min : Number(text);
  };
  for (const part of spec.split(",")) {
    if (part === "*" || part === "?") {
      for (let v = min; v <= max; v++) out.add(v);
      continue;
    }
    const m = /^([^/]+?)(?:-([^/]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const [, a = "", b, step] = m;
    const start = a === "*" ? min : value(a);
    const end = b !== undefined ? value(b) : step !== undefined || a === "*" ? max : start;
    if (![start, end].every(Number.isInteger)) return undefined;
    for (let v = start; v <= end; v += step ? Number(step) : 1) out.add(v);
  }
  return out;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** Fire times of a six-field EventBridge cron in [from, to], UTC; undefined when a field is beyond this reader. */
export function cronTimes(expression: string, from: number, to: number): number[] | undefined {
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6) return undefined;
  const [mi, ho, dom, mo, dow, yr] = fields as [string, string, string, string, string, string];
  const minutes = field(mi, 0, 59);
  const hours = field(ho, 0, 23);
  const days = field(dom, 1, 31);
  const months = field(mo, 1, 12, MONTHS);
  // EventBridge numbers days of week 1 (SUN) to 7 (SAT).
  const weekdays = field(dow, 1, 7, DAYS);
  const years = field(yr, 1970, 2199);
  if (!minutes || !hours || !days || !months || !weekdays || !years) return undefined;
  const out: number[] = [];
  const start = Math.ceil(from / 60_000) * 60_000;
  for (let day = Math.floor(start / 86_400_000) * 86_400_000; day <= to; day += 86_400_000) {
    const d = new Date(day);
    if (!years.has(d.getUTCFullYear()) || !months.has(d.getUTCMonth() + 1)) continue;
    if (!days.has(d.getUTCDate()) || !weekdays.has(d.getUTCDay() + 1)) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const t = day + h * 3_600_000 + m * 60_000;
        if (t >= start && t <= to) out.push(t);
      }
    }
  }
  return out.sort((a, b) => a - b);
}

const iso = (ms: number) => new Date(ms).toISOString();

function rateGaps(period: number, since: number, end: number, starts: readonly number[]): ScheduleGap[] {
  const gaps: ScheduleGap[] = [];
  const limit = period * 1.5;
  const points = [since, ...starts, end];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as number;
    const b = points[i] as number;
    if (b - a <= limit) continue;
    const edge = i === 1 || i === points.length - 1;
    const missed = Math.floor((b - a) / period) - (edge ? 0 : 1);
    if (missed > 0) gaps.push({ from: iso(a), to: iso(b), missed });
  }
  return gaps;
}

/** A cron fire time counts as run when a run started within this long after it. */
const CRON_TOLERANCE_MS = 15 * 60_000;

export function scheduleExpectation(
  expression: string,
  period: { since: string; until: string },
  runStarts: readonly string[],
  now: Date,
): ScheduleExpectation {
  const since = Date.parse(period.since);
  const end = Math.min(Date.parse(period.until), now.getTime());
  const starts = runStarts
    .map((s) => Date.parse(s))
    .filter((t) => t >= since && t <= end)
    .sort((a, b) => a - b);
  const rate = ratePeriodMs(expression);
  if (rate !== undefined) {
    const gaps = end > since ? rateGaps(rate, since, end, starts) : [];
    return {
      expression,
      expected: Math.max(0, Math.round((end - since) / rate)),
      recorded: starts.length,
      missed: gaps.reduce((n, g) => n + g.missed, 0),
      gaps,
    };
  }
  const fires = end > since ? cronTimes(expression, since, end) : [];
  if (!fires) {
    // L, W and # are rare in an auditor's schedule; without modelling them, daily is assumed (as the stack's alarm does).
    const gaps = end > since ? rateGaps(86_400_000, since, end, starts) : [];
    return {
      expression,
      expected: Math.max(0, Math.round((end - since) / 86_400_000)),
      recorded: starts.length,
      missed: gaps.reduce((n, g) => n + g.missed, 0),
      gaps,
      note: "the cron expression uses L, W or #, which this reader does not model: at least one run a day was expected",
    };
  }
  const gaps: ScheduleGap[] = [];
  let j = 0;
  let open: { from: number; missed: number; last: number } | undefined;
  const lastRunBefore = (t: number) => {
    let found = since;
    for (const s of starts) if (s < t) found = s;
    return found;
  };
  for (const t of fires) {
    while (j < starts.length && (starts[j] as number) < t - 60_000) j++;
    const ran = j < starts.length && (starts[j] as number) <= t + CRON_TOLERANCE_MS;
    if (!ran) {
      if (open) {
        open.missed++;
        open.last = t;
      } else open = { from: lastRunBefore(t), missed: 1, last: t };
    } else if (open) {
      gaps.push({ from: iso(open.from), to: iso(starts[j] as number), missed: open.missed });
      open = undefined;
    }
  }
  if (open) gaps.push({ from: iso(open.from), to: iso(end), missed: open.missed });
  return { expression, expected: fires.length, recorded: starts.length, missed: gaps.reduce((n, g) => n + g.missed, 0), gaps };
}
