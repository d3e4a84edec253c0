/**
 * The one way a CLI command opens its store: the `--store` spec (or a test's opener) to a
 * Store, handed to the command's work and closed afterwards whatever happens. A bad spec,
 * or `--store none` where the command needs history, is a UserError from the store itself
 * (exit 2).
 */
import { openStore } from "../audit/store/open.js";
import type { Store } from "../audit/store/types.js";

export type StoreOpener = (spec: string) => Promise<Store>;

export async function withStore<T>(spec: string, open: StoreOpener | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await (open ?? ((s: string) => openStore(s)))(spec);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
