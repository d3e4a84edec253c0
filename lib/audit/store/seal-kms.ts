/**
 * The deployed chain seal: an AWS KMS HMAC key (HMAC_SHA_256). The evaluate function may
 * only GenerateMac, readers only VerifyMac; the key material never leaves KMS, so someone
 * with write access to the table cannot seal what they wrote.
 */
import { GenerateMacCommand, type KMSClient, VerifyMacCommand } from "@aws-sdk/client-kms";
import type { ChainSeal } from "./seal.js";

const ALGORITHM = "HMAC_SHA_256";

export class KmsSeal implements ChainSeal {
  readonly description: string;

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {
    this.description = `the KMS key ${keyId}`;
  }

  async sign(message: string): Promise<string> {
    const out = await this.kms.send(new GenerateMacCommand({ KeyId: this.keyId, MacAlgorithm: ALGORITHM, Message: Buffer.from(message) }));
    if (!out.Mac) throw new Error(`KMS GenerateMac with ${this.keyId} returned no Mac`);
    return Buffer.from(out.Mac).toString("base64");
  }

  async verify(message: string, mac: string): Promise<boolean> {
    try {
      const out = await this.kms.send(
        new VerifyMacCommand({
          KeyId: this.keyId,
          MacAlgorithm: ALGORITHM,
          Message: Buffer.from(message),
          Mac: Buffer.from(mac, "base64"),
        }),
      );
      return out.MacValid === true;
    } catch (err) {
      // KMS answers a MAC that does not match with this exception, not with MacValid: false.
      if ((err as { name?: string }).name === "KMSInvalidMacException") return false;
      throw err;
    }
  }
}
