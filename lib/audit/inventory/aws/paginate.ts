/**
 * The one way a collector lists: an SDK paginator run to the end at the largest page size
 * the API accepts, each page inside the concurrency bound, the items of every page in order.
 */
import type { Limit } from "./limit.js";

/**
 * The SDK paginators send every page with one shared input object that they mutate; a
 * copy per page keeps each recorded request as it was sent (what the tests assert).
 */
export const freshInput = <C extends { input: unknown }>(command: C): C => {
  (command as { input: unknown }).input = { ...(command.input as object) };
  return command;
};

type Paginator<Client, Input, Page> = (
  config: { client: Client; pageSize?: number; withCommand?: typeof freshInput },
  input: Input,
) => AsyncIterable<Page>;

export interface PageRequest<Client, Input, Page, Item> {
  paginator: Paginator<Client, Input, Page>;
  client: Client;
  pageSize: number;
  input: Input;
  /** The list a page carries (`DBInstances`, `SecurityGroups`, …). */
  items: (page: Page) => Item[] | undefined;
}

export async function paginate<Client, Input, Page, Item>(limit: Limit, request: PageRequest<Client, Input, Page, Item>): Promise<Item[]> {
  const pages = request.paginator({ client: request.client, pageSize: request.pageSize, withCommand: freshInput }, request.input);
  const iterator = pages[Symbol.asyncIterator]();
  const out: Item[] = [];
  for (;;) {
    const step = await limit(() => iterator.next());
    if (step.done) return out;
    out.push(...(request.items(step.value) ?? []));
  }
}
