/** Reachability in one sentence per backend: in the table report, in the HTML report (escaped), from the JSON field. */
import { describe, expect, it } from "vitest";
import { emptyCounts, type Finding } from "../../../lib/audit/findings/model.js";
import { renderHtmlReport } from "../../../lib/audit/report/html.js";
import { reachabilityLines } from "../../../lib/audit/report/reachability.js";
import { renderTable } from "../../../lib/audit/report/table.js";
import { ACCOUNT, REGION } from "../../support/builders.js";
import { finding } from "./fixtures.js";

const db = (id: string) => ({ type: "AWS::RDS::DBInstance" as const, id, account: ACCOUNT, region: REGION });
const SENTENCE =
  "reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: yes — NACL acl-0a1b2c3d4e5f60001 rule 100 and sg-0a1b2c3d4e5f60010";

const findings: Finding[] = [
  finding({
    checkId: "net-public-subnet",
    status: "PASS",
    resource: db("queue-db"),
    message: "private",
    evidence: { reachability: SENTENCE },
  }),
  finding({
    checkId: "net-public-subnet",
    status: "ERROR",
    resource: db("jobs-db"),
    message: "Could not evaluate the subnets of jobs-db: the file is missing.",
  }),
  finding({ checkId: "rds-public-access", status: "PASS", resource: db("queue-db"), message: "not public" }),
];
const result = {
  schemaVersion: 1 as const,
  run: {
    id: "r1",
    startedAt: "2026-12-06T10:00:00Z",
    finishedAt: "2026-12-06T10:00:01Z",
    outcome: "incomplete" as const,
    counts: emptyCounts(),
  },
  findings,
};

describe("reachability in the reports", () => {
  it("takes one sentence per backend from its net-public-subnet finding, and says when the path was not observed", () => {
    expect(reachabilityLines(findings)).toEqual([
      {
        resource: "jobs-db",
        where: `${ACCOUNT}/${REGION}`,
        sentence: "reachability unknown — Could not evaluate the subnets of jobs-db: the file is missing.",
      },
      { resource: "queue-db", where: `${ACCOUNT}/${REGION}`, sentence: SENTENCE },
    ]);
  });

  it("prints a REACHABILITY section in the table report", () => {
    const table = renderTable(result);
    expect(table).toContain(`REACHABILITY\n  jobs-db (${ACCOUNT}/${REGION}): reachability unknown`);
    expect(table).toContain(`  queue-db (${ACCOUNT}/${REGION}): ${SENTENCE}\n`);
  });

  it("renders a Reachability section in the HTML report, escaping what others named", () => {
    const hostile = finding({
      checkId: "net-public-subnet",
      status: "PASS",
      resource: db("<img src=x onerror=alert(1)>"),
      message: "private",
      evidence: { reachability: "reachable from the internet: no — <b>x</b>" },
    });
    const page = renderHtmlReport({ result: { ...result, findings: [...findings, hostile] }, generatedAt: "2026-12-06T10:00:02Z" });
    expect(page).toContain('<section id="reachability"');
    expect(page).toContain(`<td>queue-db</td><td>${ACCOUNT}/${REGION}</td><td>${SENTENCE}</td>`);
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page).toContain("reachable from the internet: no — &lt;b&gt;x&lt;/b&gt;");
  });
});
