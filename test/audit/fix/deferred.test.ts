/**
 * A deferred fix is written when first read, and reads, serialises and hashes exactly as the
 * plain fix it stands for: what the chain hashes is what the store keeps.
 */
import { describe, expect, it } from "vitest";
import type { CheckResult, Finding, Fix } from "../../../lib/audit/findings/model.js";
import { deferredFix } from "../../../lib/audit/fix/deferred.js";
import { revokeSourceFix } from "../../../lib/audit/fix/network.js";
import { canonicalJson, findingsHash, plain } from "../../../lib/audit/store/canonical.js";

const words = { text: "Revoke the tcp 5432 rule from 203.0.113.0/24 on sg-0123.", commands: ["aws ec2 revoke-security-group-ingress …"] };
const built: Fix = { kind: "aws-cli", ...words };

function counted() {
  let writes = 0;
  const fix = deferredFix(
    "aws-cli",
    (from: typeof words) => {
      writes++;
      return { text: from.text, commands: [...from.commands] };
    },
    words,
  );
  return { fix, writes: () => writes };
}

function finding(fix: Fix): Finding {
  return {
    id: "0f".repeat(16),
    checkId: "sg-unapproved-cidr",
    status: "FAIL",
    severity: "high",
    resource: { type: "AWS::EC2::SecurityGroup", id: "sg-0123", account: "111122223333", region: "eu-west-1" },
    message: "sg-0123 admits 203.0.113.0/24 to port 5432 of queue-db.",
    evidence: { source: "203.0.113.0/24", port: 5432 },
    remediation: "Narrow the rule.",
    references: [],
    fix,
  };
}

describe("a deferred fix", () => {
  it("writes nothing until read, then writes once however often it is read", () => {
    const { fix, writes } = counted();
    expect(fix.kind).toBe("aws-cli");
    expect(writes()).toBe(0);
    expect(fix.text).toBe(words.text);
    expect(fix.commands).toEqual(words.commands);
    expect(fix.commands).toBe(fix.commands);
    JSON.stringify(fix);
    expect(writes()).toBe(1);
  });

  it("serialises as a built fix does, key for key and in the same order", () => {
    expect(JSON.stringify(counted().fix)).toBe(JSON.stringify(built));
    expect(JSON.stringify(finding(counted().fix))).toBe(JSON.stringify(finding(built)));
  });

  it("hashes as the stored copy does: canonical JSON honours toJSON as JSON.stringify does", () => {
    const deferred = [finding(counted().fix)];
    expect(canonicalJson(deferred)).toBe(canonicalJson([finding(built)]));
    expect(findingsHash(deferred)).toBe(findingsHash(plain(deferred)));
    // The attack the hash exists for: a stored fix rewritten must not match the recorded hash.
    const tampered = plain(deferred);
    (tampered[0]?.fix as Fix).commands = ["aws ec2 authorize-security-group-ingress …"];
    expect(findingsHash(tampered)).not.toBe(findingsHash(deferred));
  });

  it("is written from the verdict's values when it was made, not from what the evidence says later", () => {
    const result: CheckResult = {
      checkId: "sg-unapproved-cidr",
      status: "FAIL",
      resource: { type: "AWS::EC2::SecurityGroup", id: "sg-0123", region: "eu-west-1" },
      subject: "203.0.113.0/24 tcp 5432",
      message: "…",
      evidence: { source: "203.0.113.0/24", port: 5432, rule: { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432 } },
    };
    const fix = revokeSourceFix(result) as Fix;
    result.evidence.source = "0.0.0.0/0";
    result.evidence.port = 6379;
    result.resource = { ...result.resource, id: "sg-0999" };
    expect(fix.text).toBe("Revoke the tcp 5432 rule from 203.0.113.0/24 on sg-0123.");
    expect(fix.commands).toEqual([
      `aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id sg-0123 --ip-permissions '[{"IpProtocol":"tcp","FromPort":5432,"ToPort":5432,"IpRanges":[{"CidrIp":"203.0.113.0/24"}]}]'`,
    ]);
  });
});
