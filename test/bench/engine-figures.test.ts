/**
 * The engine bench reports medians of fresh-process runs, and each ratio pairs an evaluation
 * with the parse measured in the same process: a slow minute on a shared machine moves both.
 */
import { describe, expect, it } from "vitest";
import { median, summarise } from "../../bench/engine.js";

const run = (evaluateMs: number, parseMs: number, outputParseMs?: number) => ({
  evaluateMs,
  parseMs,
  ...(outputParseMs === undefined ? {} : { outputParseMs }),
  rssMB: 300,
  findings: 69_576,
});

describe("the engine bench's figures", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/median of nothing/);
  });

  it("gives the median of the per-run ratios, not the ratio of the medians", () => {
    // A fast minute and a slow one: each ratio is 3.0, though the medians' ratio is not.
    const figures = summarise([run(900, 300), run(1500, 500), run(1200, 400), run(990, 300)]);
    expect(figures.vsParse).toBeCloseTo(3.0, 5);
    expect(figures.evaluateMs / figures.parseMs).not.toBeCloseTo(3.0, 2);
    expect(figures.vsParseRange).toEqual([3, 3.3]);
    expect(figures.runs).toBe(4);
    expect(figures.vsOutputParse).toBeUndefined();
  });

  it("pairs each output parse with its own run's evaluation", () => {
    const figures = summarise([run(1000, 330, 800), run(2000, 660, 1000), run(1100, 350, 1100)]);
    expect(figures.vsOutputParse).toBeCloseTo(1.25, 5);
    expect(figures.findings).toBe(69_576);
  });
});
