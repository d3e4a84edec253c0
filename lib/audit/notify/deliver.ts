/**
 * Send a run's notification and, only once it was delivered, record it in the store so
 * it is not sent again. A failed send is returned, not thrown: the run is already
 * recorded, and the next run retries the alert.
 */
import type { Notification } from "../compare/alerts.js";
import { markNotified } from "../record.js";
import type { Store } from "../store/types.js";
import { type Digest, digestFromNotification } from "./digest.js";
import type { Notifier } from "./notifier.js";

export interface Delivery {
  digest: Digest;
  delivered: boolean;
  /** Why the send failed (already free of webhook URLs). */
  error?: Error;
}

export async function deliverNotification(
  store: Store,
  notifier: Notifier,
  notification: Notification | undefined,
  now: () => Date = () => new Date(),
): Promise<Delivery | undefined> {
  if (!notification) return undefined;
  const digest = digestFromNotification(notification);
  if (!notifier.delivers) return { digest, delivered: false };
  try {
    await notifier.send(digest);
  } catch (err) {
    return { digest, delivered: false, error: err as Error };
  }
  await markNotified(store, notification, now());
  return { digest, delivered: true };
}
