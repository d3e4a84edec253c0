import type { Wire } from "../types.js";

/**
 * An SDK value as the AWS CLI's JSON carries it: Dates become ISO strings, undefined
 * members disappear, `$metadata` is dropped. A JSON round trip is exactly that, so a live
 * collection and its snapshot on disk are the same data.
 */
export function toWire<T>(value: T): Wire<T> {
  if (value && typeof value === "object" && !Array.isArray(value) && "$metadata" in value) {
    const { $metadata: _, ...rest } = value as T & { $metadata: unknown };
    return JSON.parse(JSON.stringify(rest)) as Wire<T>;
  }
  return JSON.parse(JSON.stringify(value)) as Wire<T>;
}
