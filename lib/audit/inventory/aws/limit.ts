/**
 * A bound on concurrent work: at most `max` tasks run at once, the rest wait in order.
 *
 * A task marked `urgent` waits ahead of the others: the calls that unlock more work (the
 * next page of an Organization's account list, an account's AssumeRole, its enabled regions)
 * must not queue behind thousands of describe calls already waiting, or the listing that
 * feeds the whole collection slows to the pace of the queue and the collection ends with a
 * long tail of accounts found late (bench/collect-org.ts measures it).
 */
export type Limit = <T>(task: () => Promise<T>, urgent?: boolean) => Promise<T>;

/** First in, first out, O(1) both ways (Array#shift copies the array: thousands of waiters are common). */
class Queue<T> {
  private items: T[] = [];
  private head = 0;
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export function createLimit(max: number): Limit {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a positive integer, got ${max}`);
  let active = 0;
  const waiting = new Queue<() => void>();
  const urgentWaiting = new Queue<() => void>();
  return async (task, urgent = false) => {
    // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
    if (active < max) active++;
    else await new Promise<void>((resolve) => (urgent ? urgentWaiting : waiting).push(resolve));
    try {
      return await task();
    } finally {
      const next = urgentWaiting.shift() ?? waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
