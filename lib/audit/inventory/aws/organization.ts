/**
 * The accounts of an AWS Organization, found at run time (`aws.organization`): every active
 * account (ListAccounts), or those under the included OUs and roots, nested OUs included
 * (ListAccountsForParent, ListOrganizationalUnitsForParent), less the excluded accounts and
 * OUs. Called from the management account or a delegated administrator.
 *
 * Accounts are yielded as their pages arrive, so the audit of the first accounts starts
 * while later pages are still being listed: with 20 accounts a page, listing 1,000 accounts
 * is a chain of 50 calls that would otherwise sit in front of everything else.
 */
import {
  type Account,
  type OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from "@aws-sdk/client-organizations";
import type { Config } from "../../config/schema.js";
import type { Limit } from "./limit.js";
import { freshInput } from "./paginate.js";

/** The largest page the Organizations list calls accept. */
export const ORG_PAGE_SIZE = 20;

export type OrganizationConfig = NonNullable<Config["aws"]["organization"]>;

/** One account as the listing found it: audited, or skipped with the reason. */
export type ListedAccount = { id: string; state: string; active: true } | { id: string; state: string; active: false };

const isAccountId = (ref: string) => /^\d{12}$/.test(ref);

/** `State` (Status was retired on 2026-09-09, but older responses carry only Status). */
function stateOf(account: Account): string {
  return account.State ?? account.Status ?? "UNKNOWN";
}

async function* pages<Page>(limit: Limit, iterable: AsyncIterable<Page>): AsyncGenerator<Page> {
  const iterator = iterable[Symbol.asyncIterator]();
  for (;;) {
    // Urgent: each page unlocks the next page and its accounts' whole collection.
    const step = await limit(() => iterator.next(), true);
    if (step.done) return;
    yield step.value;
  }
}

/** Accounts directly under a parent, page by page. */
async function* accountsUnder(client: OrganizationsClient, limit: Limit, parentId: string): AsyncGenerator<Account> {
  const paginator = paginateListAccountsForParent({ client, pageSize: ORG_PAGE_SIZE, withCommand: freshInput }, { ParentId: parentId });
  for await (const page of pages(limit, paginator)) yield* page.Accounts ?? [];
}

async function childOus(client: OrganizationsClient, limit: Limit, parentId: string): Promise<string[]> {
  const paginator = paginateListOrganizationalUnitsForParent(
    { client, pageSize: ORG_PAGE_SIZE, withCommand: freshInput },
    { ParentId: parentId },
  );
  const ids: string[] = [];
  for await (const page of pages(limit, paginator)) for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) ids.push(ou.Id);
  return ids;
}

/**
 * Every account under `parentId` and its nested OUs. Each OU's accounts and child OUs are
 * listed concurrently; the accounts are yielded as they come, in no particular order.
 */
async function* accountsBeneath(client: OrganizationsClient, limit: Limit, parentId: string): AsyncGenerator<Account> {
  const queue: Account[] = [];
  let wake: (() => void) | undefined;
  let pending = 0;
  let failure: unknown;
  const push = (a: Account) => {
    queue.push(a);
    wake?.();
  };
  const visit = (id: string) => {
    pending++;
    void (async () => {
      try {
        const children = childOus(client, limit, id);
        for await (const a of accountsUnder(client, limit, id)) push(a);
        for (const child of await children) visit(child);
      } catch (err) {
        failure ??= err;
      } finally {
        pending--;
        wake?.();
      }
    })();
  };
  visit(parentId);
  for (;;) {
    if (failure !== undefined) throw failure;
    const next = queue.shift();
    if (next) {
      yield next;
      continue;
    }
    if (pending === 0) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}

/** Every account id under the excluded OUs (and the excluded ids themselves). */
async function excludedIds(client: OrganizationsClient, limit: Limit, exclude: readonly string[]): Promise<Set<string>> {
  const ids = new Set(exclude.filter(isAccountId));
  await Promise.all(
    exclude
      .filter((ref) => !isAccountId(ref))
      .map(async (ou) => {
        for await (const a of accountsBeneath(client, limit, ou)) if (a.Id) ids.add(a.Id);
      }),
  );
  return ids;
}

/**
 * The accounts the config's organization selects, each once, as they are found. Inactive
 * accounts (suspended, closing, pending activation) come out with `active: false` so the
 * caller can say it skipped them. A failing Organizations call throws: nothing can be said
 * about which accounts exist, and the caller reports that.
 */
export async function* organizationAccounts(
  org: OrganizationConfig,
  client: OrganizationsClient,
  limit: Limit,
): AsyncGenerator<ListedAccount> {
  const excluded = await excludedIds(client, limit, org.exclude);
  const include = org.include ?? [];
  const seen = new Set<string>();
  const wanted = (a: Account): ListedAccount | undefined => {
    if (!a.Id || seen.has(a.Id) || excluded.has(a.Id)) return undefined;
    seen.add(a.Id);
    const state = stateOf(a);
    return state === "ACTIVE" ? { id: a.Id, state, active: true } : { id: a.Id, state, active: false };
  };

  const ids = include.filter(isAccountId);
  const parents = include.filter((ref) => !isAccountId(ref));
  if (include.length === 0 || ids.length > 0) {
    // The whole organization: every account, or the search for the included ids.
    const onlyIds = include.length > 0 ? new Set(ids) : undefined;
    const paginator = paginateListAccounts({ client, pageSize: ORG_PAGE_SIZE, withCommand: freshInput }, {});
    for await (const page of pages(limit, paginator)) {
      for (const a of page.Accounts ?? []) {
        if (onlyIds && !onlyIds.has(a.Id ?? "")) continue;
        const listed = wanted(a);
        if (listed) yield listed;
      }
    }
    for (const id of ids) if (!seen.has(id) && !excluded.has(id)) yield { id, state: "NOT_FOUND", active: false };
  }
  for (const parent of parents) {
    for await (const a of accountsBeneath(client, limit, parent)) {
      const listed = wanted(a);
      if (listed) yield listed;
    }
  }
}
