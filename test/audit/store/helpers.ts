import type { AuditResult, Finding, Status } from "../../../lib/audit/findings/model.js";
import { emptyCounts, outcomeOf } from "../../../lib/audit/findings/model.js";
import { DynamoStore, documentClient } from "../../../lib/audit/store/dynamo-store.js";
import { startLocalDynamo } from "../../../lib/audit/store/local.js";
import { ensureTable } from "../../../lib/audit/store/open.js";
import type { ChainSeal } from "../../../lib/audit/store/seal.js";
import { memorySeal } from "../../../lib/audit/store/seal-local.js";

export const TABLE = "queue-auditor-test";

/** A store on an in-memory dynalite, with the raw clients for tampering. */
export async function memoryStore(seal: ChainSeal = memorySeal()) {
  const local = await startLocalDynamo(undefined);
  await ensureTable(local.client, TABLE);
  const store = new DynamoStore(local.client, TABLE, { description: "test", onClose: local.close, seal });
  return { store, client: local.client, doc: documentClient(local.client), endpoint: local.endpoint, seal };
}

export function finding(over: Partial<Finding> & { id: string }): Finding {
  return {
    checkId: "sg-world-ingress",
    status: "FAIL",
    severity: "critical",
    resource: { type: "AWS::EC2::SecurityGroup", id: "sg-0a1b2c3d4e5f60001", account: "111122223333", region: "eu-west-1" },
    subject: "0.0.0.0/0 tcp 6379",
    message: "Security group sg-0a1b2c3d4e5f60001 admits 0.0.0.0/0 on 6379.",
    evidence: { ipPermissions: [{ fromPort: 6379, toPort: 6379, cidr: "0.0.0.0/0" }] },
    remediation: "Remove the rule.",
    references: ["AWS Security Hub EC2.19"],
    ...over,
  };
}

export function result(id: string, startedAt: string, findings: Finding[]): AuditResult {
  const counts = emptyCounts();
  for (const f of findings) counts[f.status as Status]++;
  return {
    schemaVersion: 1,
    run: { id, startedAt, finishedAt: startedAt, outcome: outcomeOf(findings), counts },
    findings,
  };
}

export const POLICY = { notifications: { minSeverity: "high" as const, remindAfterHours: 24, notifyResolved: true }, retentionDays: 30 };
