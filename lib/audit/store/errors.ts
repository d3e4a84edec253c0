import { UserError } from "../model/user-error.js";

/** A `--store` value that cannot be understood. A usage error (exit 2). */
export class StoreSpecError extends UserError {
  override name = "StoreSpecError";
}

/** The store could not be opened or answered with an error that retries did not cure. */
export class StoreError extends Error {
  override name = "StoreError";
}

/** Another writer appended a run at the same chain position first; this run was not recorded. */
export class ChainConflictError extends Error {
  override name = "ChainConflictError";
}

export class RunNotFoundError extends Error {
  override name = "RunNotFoundError";
}

/** The operation needs a store but `--store none` was given. */
export class NoStoreError extends UserError {
  override name = "NoStoreError";
}

/** The environment variable naming the KMS HMAC key for a `dynamodb:TABLE` store. */
export const CHAIN_KEY_ENV = "QUEUE_AUDITOR_CHAIN_KEY";

/** A persistent store without a chain key: an unsealed run would be evidence anyone could rewrite. */
export function noChainKeyError(description: string): StoreError {
  return new StoreError(
    `${description} has no chain key: set ${CHAIN_KEY_ENV} to the KMS HMAC key (the stack output ChainKeyArn) so runs are sealed and can be verified`,
  );
}
