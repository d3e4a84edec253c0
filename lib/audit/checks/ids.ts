/**
 * Check ids are public contract (mutes, overrides, stored history refer to them): add
 * freely, never rename. The registry is their one source; the README's catalog must list
 * the same ids and severities (the manifest test compares them as sets).
 */
export type CheckId = string;
