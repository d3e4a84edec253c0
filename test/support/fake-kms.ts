import { createHmac, randomBytes } from "node:crypto";
import {
  GenerateMacCommand,
  type KMSClientResolvedConfig,
  KMSInvalidMacException,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  VerifyMacCommand,
} from "@aws-sdk/client-kms";
import type { AwsStub } from "aws-sdk-client-mock";

/**
 * An HMAC KMS key behind aws-sdk-client-mock, answering as KMS does: GenerateMac returns
 * `Mac`, `KeyId`, `MacAlgorithm`; a MAC that does not match is KMSInvalidMacException (KMS
 * never answers `MacValid: false`).
 */
export function fakeHmacKey(kms: AwsStub<ServiceInputTypes, ServiceOutputTypes, KMSClientResolvedConfig>, keyArn: string): void {
  const key = randomBytes(32);
  const mac = (message: Uint8Array) => createHmac("sha256", key).update(message).digest();
  kms
    .on(GenerateMacCommand)
    .callsFake((input) => ({ Mac: new Uint8Array(mac(input.Message)), KeyId: keyArn, MacAlgorithm: input.MacAlgorithm }));
  kms.on(VerifyMacCommand).callsFake((input) => {
    if (!Buffer.from(input.Mac).equals(mac(input.Message))) {
      throw new KMSInvalidMacException({ message: "The MAC is invalid", $metadata: { httpStatusCode: 400 } });
    }
    return { KeyId: keyArn, MacValid: true, MacAlgorithm: input.MacAlgorithm };
  });
}
