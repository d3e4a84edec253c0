/**
 * Recording one run of n findings into the embedded store (dynalite in memory): load
 * states, classify, write findings in batches of 25, the run record, the chain head and
 * n states. `requests` counts DynamoDB requests of the write (what a real table bills).
 */
import type { Finding } from "../lib/audit/findings/model.js";
import { emptyCounts, outcomeOf } from "../lib/audit/findings/model.js";
import { recordRun } from "../lib/audit/record.js";
import { openStore } from "../lib/audit/store/open.js";

function findings(n: number): Finding[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `sg-${i.toString(16).padStart(17, "0")}`;
    return {
      id: `f${i.toString(16).padStart(16, "0")}`,
      checkId: i % 10 === 0 ? "sg-world-ingress" : "sg-unapproved-cidr",
      status: i % 10 === 0 ? "FAIL" : "PASS",
      severity: "high",
      resource: { type: "AWS::EC2::SecurityGroup", id, account: "111122223333", region: "eu-west-1" },
      subject: "10.20.0.0/16 tcp 5432",
      message: `Security group ${id} admits 10.20.0.0/16 on port 5432.`,
      evidence: {
        groupId: id,
        ipPermissions: [{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: "10.20.0.0/16" }] }],
      },
      remediation: "Remove the rule or add the range to network.allowedCidrs.",
      references: ["AWS Security Hub EC2.18"],
    } satisfies Finding;
  });
}

export async function benchStoreWrite(n: number): Promise<{ ms: number; requests: number }> {
  const store = await openStore("local:memory");
  try {
    const list = findings(n);
    const counts = emptyCounts();
    for (const f of list) counts[f.status]++;
    const at = "2025-06-01T10:00:00.000Z";
    const result = {
      schemaVersion: 1 as const,
      run: { id: "bench", startedAt: at, finishedAt: at, outcome: outcomeOf(list), counts },
      findings: list,
    };
    const started = performance.now();
    const { stored } = await recordRun(
      store,
      result,
      { notifications: { minSeverity: "high", remindAfterHours: 24, notifyResolved: true }, retentionDays: 400 },
      new Date(at),
    );
    return { ms: Math.round(performance.now() - started), requests: stored.stats.requests };
  } finally {
    await store.close();
  }
}
