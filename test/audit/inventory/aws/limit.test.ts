import { describe, expect, it } from "vitest";
import { createLimit } from "../../../../lib/audit/inventory/aws/limit.js";

describe("createLimit", () => {
  it("runs at most max tasks at once, the waiting in order, an urgent one ahead of every waiting other", async () => {
    const limit = createLimit(2);
    const started: string[] = [];
    let active = 0;
    let peak = 0;
    const gates = new Map<string, () => void>();
    const task = (name: string) => () => {
      started.push(name);
      peak = Math.max(peak, ++active);
      return new Promise<void>((resolve) => gates.set(name, () => resolve(void active--)));
    };
    const done = [limit(task("a")), limit(task("b")), limit(task("c")), limit(task("d")), limit(task("next page"), true)];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(["a", "b"]);
    gates.get("a")?.();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(["a", "b", "next page"]);
    for (const name of ["b", "next page", "c", "d"]) {
      gates.get(name)?.();
      await new Promise((r) => setTimeout(r, 0));
    }
    await Promise.all(done);
    expect(started).toEqual(["a", "b", "next page", "c", "d"]);
    expect(peak).toBe(2);
  });

  it("keeps thousands of waiters in order", async () => {
    const limit = createLimit(1);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 5000 }, (_, i) => limit(async () => void order.push(i))));
    expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});
