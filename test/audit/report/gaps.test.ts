import { describe, expect, it } from "vitest";
import { cronTimes, scheduleExpectation } from "../../../lib/audit/report/evidence/gaps.js";

const NOW = new Date("2026-12-01T00:00:00Z");
const hourly = (from: string, hours: number, skip: (i: number) => boolean = () => false) =>
  Array.from({ length: hours }, (_, i) => i)
    .filter((i) => !skip(i))
    .map((i) => new Date(Date.parse(from) + i * 3_600_000 + 60_000).toISOString());

describe("runs the schedule expected", () => {
  it("finds no gap in an unbroken hourly day", () => {
    const e = scheduleExpectation(
      "rate(1 hour)",
      { since: "2026-11-01T00:00:00Z", until: "2026-11-01T23:59:59.999Z" },
      hourly("2026-11-01T00:00:00Z", 24),
      NOW,
    );
    expect(e).toMatchObject({ expected: 24, recorded: 24, missed: 0, gaps: [] });
  });

  it("counts three missed hourly runs between two runs, and the empty start of the period", () => {
    const runs = hourly("2026-11-01T02:00:00Z", 22, (i) => i >= 5 && i < 8);
    const e = scheduleExpectation("rate(1 hour)", { since: "2026-11-01T00:00:00Z", until: "2026-11-01T23:59:59.999Z" }, runs, NOW);
    expect(e.gaps).toEqual([
      { from: "2026-11-01T00:00:00.000Z", to: "2026-11-01T02:01:00.000Z", missed: 2 },
      { from: "2026-11-01T06:01:00.000Z", to: "2026-11-01T10:01:00.000Z", missed: 3 },
    ]);
  });

  it("does not count the future as missed", () => {
    const e = scheduleExpectation(
      "rate(1 hour)",
      { since: "2026-11-30T20:00:00Z", until: "2026-12-31" },
      hourly("2026-11-30T20:00:00Z", 4),
      NOW,
    );
    expect(e.missed).toBe(0);
  });

  it("reads a weekday cron and misses the fire times with no run after them", () => {
    // 09:00 UTC Monday to Friday (EventBridge: 2-6 = MON-FRI).
    expect(
      cronTimes("cron(0 9 ? * MON-FRI *)", Date.parse("2026-11-02T00:00:00Z"), Date.parse("2026-11-08T23:59:00Z"))?.map((t) =>
        new Date(t).toISOString(),
      ),
    ).toEqual([
      "2026-11-02T09:00:00.000Z",
      "2026-11-03T09:00:00.000Z",
      "2026-11-04T09:00:00.000Z",
      "2026-11-05T09:00:00.000Z",
      "2026-11-06T09:00:00.000Z",
    ]);
    const runs = ["2026-11-02T09:00:30Z", "2026-11-03T09:01:00Z", "2026-11-06T09:02:00Z"];
    const e = scheduleExpectation("cron(0 9 ? * MON-FRI *)", { since: "2026-11-02T00:00:00Z", until: "2026-11-08T23:59:59Z" }, runs, NOW);
    expect(e).toMatchObject({ expected: 5, recorded: 3, missed: 2 });
    expect(e.gaps).toEqual([{ from: "2026-11-03T09:01:00.000Z", to: "2026-11-06T09:02:00.000Z", missed: 2 }]);
  });
});
