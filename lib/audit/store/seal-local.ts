/**
 * The local chain seal: HMAC-SHA-256 with a 32-byte key in a file under the store
 * directory, created with mode 0600 on the first write. Whoever can read the file can
 * forge seals, so a key file that others can read is refused rather than trusted.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { StoreError } from "./errors.js";
import type { ChainSeal } from "./seal.js";

export const LOCAL_KEY_FILE = "chain.key";
const KEY_BYTES = 32;

export class HmacSeal implements ChainSeal {
  /** `key(true)` for signing may create the key; `key(false)` for verifying never does. */
  constructor(
    private readonly key: (forSigning: boolean) => Buffer,
    readonly description: string,
  ) {}

  async sign(message: string): Promise<string> {
    return createHmac("sha256", this.key(true)).update(message).digest("base64");
  }

  async verify(message: string, mac: string): Promise<boolean> {
    const expected = createHmac("sha256", this.key(false)).update(message).digest();
    const given = Buffer.from(mac, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** A key that lives as long as the process: for `local:memory`. */
export function memorySeal(): HmacSeal {
  const key = randomBytes(KEY_BYTES);
  return new HmacSeal(() => key, "an in-memory key");
}

/**
 * The key file at `path`, read lazily. Signing creates it when missing (the first run);
 * verifying never does: a missing key is an error, not a fresh key that fails every seal.
 */
export function keyFileSeal(path: string): HmacSeal {
  let key: Buffer | undefined;
  const load = (forSigning: boolean): Buffer => {
    key ??= forSigning ? readOrCreateKey(path) : readKey(path);
    return key;
  };
  return new HmacSeal(load, `the key file ${path}`);
}

function readOrCreateKey(path: string): Buffer {
  try {
    // 'wx': fails if the file exists, so two processes never write two different keys.
    const fd = openSync(path, "wx", 0o600);
    try {
      const key = randomBytes(KEY_BYTES);
      writeSync(fd, key);
      return key;
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
      throw new StoreError(`cannot create the chain key ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
  }
  return readKey(path);
}

function readKey(path: string): Buffer {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new StoreError(
        `the chain key ${path} is missing: the runs recorded here cannot be checked without it (restore it from a backup)`,
      );
    }
    throw err;
  }
  if ((mode & 0o077) !== 0) {
    throw new StoreError(
      `the chain key ${path} has mode ${mode.toString(8).padStart(4, "0")}: anyone who can read it can forge the chain; run chmod 600 on it`,
    );
  }
  const key = readFileSync(path);
  if (key.length !== KEY_BYTES) throw new StoreError(`the chain key ${path} is not a ${KEY_BYTES}-byte key`);
  return key;
}
