/** Runs an SDK paginator to the end, each page inside the concurrency bound. */
import type { Limit } from "./limit.js";

export async function allPages<P>(limit: Limit, pages: AsyncIterable<P>): Promise<P[]> {
  const iterator = pages[Symbol.asyncIterator]();
  const out: P[] = [];
  for (;;) {
    const step = await limit(() => iterator.next());
    if (step.done) return out;
    out.push(step.value);
  }
}

/**
 * The SDK paginators send every page with one shared input object that they mutate; a
 * copy per page keeps each recorded request as it was sent (what the tests assert).
 */
export const freshInput = <C extends { input: unknown }>(command: C): C => {
  (command as { input: unknown }).input = { ...(command.input as object) };
  return command;
};
