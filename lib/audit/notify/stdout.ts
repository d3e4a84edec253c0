import { type Digest, digestText } from "./digest.js";

/** Prints the digest as the email would read. */
export function printDigest(digest: Digest, write: (text: string) => void): void {
  write(digestText(digest));
}
