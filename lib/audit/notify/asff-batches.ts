/**
 * What BatchImportFindings takes, shared by the ASFF builder (report/asff.ts) and the
 * import (securityhub.ts): the product a custom integration imports into, and batches
 * within the request limits.
 */
import type { AwsSecurityFinding } from "@aws-sdk/client-securityhub";
import { securityHubProductArn } from "../iam.js";

/** BatchImportFindings: at most 100 findings per request (the model's list max). */
export const MAX_BATCH_FINDINGS = 100;
/** "The maximum allowed size for a finding is 240 Kb": counted here as bytes of its JSON. */
export const MAX_FINDING_BYTES = 240 * 1024;
/** Security Hub takes at most 6 MB per BatchImportFindings request (partner guide). */
export const MAX_BATCH_BYTES = 6 * 1024 * 1024;

/** Where findings are imported: the product ARN's partition, account and region. */
export interface SecurityHubTarget {
  partition: string;
  account: string;
  region: string;
}

/** The custom integration's default product of the importing account and region. */
export function productArn(target: SecurityHubTarget): string {
  return securityHubProductArn(target.partition, target.region, target.account);
}

export const findingBytes = (finding: AwsSecurityFinding): number => Buffer.byteLength(JSON.stringify(finding), "utf8");

/** Batches of at most MAX_BATCH_FINDINGS findings and MAX_BATCH_BYTES of JSON each, in order. */
export function asffBatches(findings: readonly AwsSecurityFinding[]): AwsSecurityFinding[][] {
  const batches: AwsSecurityFinding[][] = [];
  let current: AwsSecurityFinding[] = [];
  let bytes = 0;
  for (const finding of findings) {
    const size = findingBytes(finding) + 1;
    if (current.length >= MAX_BATCH_FINDINGS || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(finding);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
