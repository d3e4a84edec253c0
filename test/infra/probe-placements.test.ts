/**
 * Probe placements (deploy.probes): which placement probes each target, and the one-line
 * error when a configured target has none that can reach it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ConfigError, loadConfig, parseConfig } from "../../lib/audit/config/load.js";
import { assignProbes } from "../../lib/infra/plan.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "qa-probe-placements-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TWO_BY_TWO = "examples/queue-auditor.two-accounts.yaml";

/** The parts of the example's YAML the tests change. */
interface ExampleData {
  postgres: { account?: string }[];
  deploy: { probes: Record<string, unknown>[]; vpc?: unknown };
}

/** The two-accounts example with its data changed by `edit`, validated as from FILE. */
function twoByTwo(edit: (data: ExampleData) => void, file = "qa.yaml") {
  const data = parse(readFileSync(TWO_BY_TWO, "utf8")) as ExampleData;
  edit(data);
  return parseConfig(data, file);
}

describe("probe placements", () => {
  it("give each target of two accounts x two regions the placement of its account and region", () => {
    const { items, byPlacement } = assignProbes(loadConfig(TWO_BY_TWO), TWO_BY_TWO);
    expect(items).toEqual([
      {
        kind: "postgres",
        name: "queue-db",
        functionArn: "arn:aws:lambda:eu-west-1:111122223333:function:queue-auditor-probe-vpc-0a1b2c3d4e5f60001",
      },
      {
        kind: "postgres",
        name: "orders-db",
        functionArn: "arn:aws:lambda:us-east-1:444455556666:function:queue-auditor-probe-vpc-0a1b2c3d4e5f60004",
      },
      {
        kind: "mysql",
        name: "billing-db",
        functionArn: "arn:aws:lambda:eu-west-1:444455556666:function:queue-auditor-probe-vpc-0a1b2c3d4e5f60003",
      },
      {
        kind: "redis",
        name: "jobs-redis",
        functionArn: "arn:aws:lambda:us-east-1:111122223333:function:queue-auditor-probe-vpc-0a1b2c3d4e5f60002",
      },
    ]);
    expect([...byPlacement.keys()].sort()).toEqual([0, 1, 2, 3]);
  });

  it("ask for a target's account when the config does not say it (never the deploying credentials', which differ per profile)", () => {
    const config = twoByTwo((d) => {
      d.postgres[0] = { ...d.postgres[0], account: undefined };
    });
    expect(() => assignProbes(config, "qa.yaml")).toThrow(
      new ConfigError(
        'qa.yaml: postgres[0]: expected the account and region of "queue-db" to find its probe placement in deploy.probes: set account on the target, or name it in a placement\'s targets',
      ),
    );
    // Named in a placement, it needs no account.
    const named = twoByTwo((d) => {
      d.postgres[0] = { ...d.postgres[0], account: undefined };
      (d.deploy.probes[0] as { targets?: string[] }).targets = ["queue-db"];
    });
    expect(assignProbes(named, "qa.yaml").items[0]?.functionArn).toBe(
      "arn:aws:lambda:eu-west-1:111122223333:function:queue-auditor-probe-vpc-0a1b2c3d4e5f60001",
    );
  });

  it("stop the synth with one line when no placement can reach a target", () => {
    const config = twoByTwo((d) => {
      d.deploy.probes.splice(3, 1); // 444455556666 / us-east-1, where orders-db lives
    });
    expect(() => assignProbes(config, "qa.yaml")).toThrow(
      new ConfigError(
        'qa.yaml: postgres[1]: expected a probe placement in deploy.probes for account 444455556666, region us-east-1, where "orders-db" lives; none can reach it',
      ),
    );
  });

  it("ask which placement when two VPCs share the target's account and region, and follow `targets` when given", () => {
    const second = {
      account: "444455556666",
      region: "us-east-1",
      vpc: { id: "vpc-0a1b2c3d4e5f60005", subnetIds: ["subnet-0a1b2c3d4e5f60006"] },
    };
    const ambiguous = twoByTwo((d) => d.deploy.probes.push(second));
    expect(() => assignProbes(ambiguous, "qa.yaml")).toThrow(
      new ConfigError(
        'qa.yaml: postgres[1]: expected one probe placement for "orders-db": deploy.probes[3] and deploy.probes[4] are both in account 444455556666, region us-east-1; name it in one placement\'s targets',
      ),
    );
    const named = twoByTwo((d) => d.deploy.probes.push({ ...second, targets: ["orders-db"] }));
    expect(assignProbes(named, "qa.yaml").items[1]?.functionArn).toBe(
      "arn:aws:lambda:us-east-1:444455556666:function:queue-auditor-probe-vpc-0a1b2c3d4e5f60005",
    );
  });

  it("refuse a placement that names a target of another account or region", () => {
    const config = twoByTwo((d) => {
      (d.deploy.probes[0] as { targets?: string[] }).targets = ["queue-db", "orders-db"];
    });
    expect(() => assignProbes(config, "qa.yaml")).toThrow(
      new ConfigError(
        'qa.yaml: postgres[1]: expected "orders-db" in the account and region of deploy.probes[0] (111122223333, eu-west-1), which names it; it is in 444455556666, us-east-1',
      ),
    );
  });

  it("are checked with the config: known target names, one placement per VPC, not beside deploy.vpc", () => {
    expect(() => twoByTwo((d) => ((d.deploy.probes[0] as { targets?: string[] }).targets = ["nope"]))).toThrow(
      new ConfigError('qa.yaml: deploy.probes[0].targets[0]: expected the name of a postgres, mysql or redis target; "nope" is none'),
    );
    expect(() => twoByTwo((d) => d.deploy.probes.push(d.deploy.probes[0] as Record<string, unknown>))).toThrow(
      new ConfigError(
        "qa.yaml: deploy.probes[4]: expected one placement per account, region and VPC (111122223333/eu-west-1/vpc-0a1b2c3d4e5f60001 is listed twice)",
      ),
    );
    expect(() => twoByTwo((d) => (d.deploy.vpc = { id: "vpc-0a1b2c3d4e5f60001", subnetIds: ["subnet-0a1b2c3d4e5f60001"] }))).toThrow(
      new ConfigError("qa.yaml: deploy.vpc: expected deploy.vpc or deploy.probes, not both: list this VPC as a placement in deploy.probes"),
    );
  });

  it("stop `cdk synth` with exit 2 and the one line when a target has no placement", async () => {
    const file = join(dir, "unreachable.yaml");
    const data = parse(readFileSync(TWO_BY_TWO, "utf8")) as ExampleData;
    data.deploy.probes.splice(2, 1); // 444455556666 / eu-west-1, where billing-db lives
    writeFileSync(file, stringify(data));
    const err = await run("npx", ["tsx", "bin/app.ts"], {
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: file }) },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr.trim()).toBe(
      `${file}: mysql[0]: expected a probe placement in deploy.probes for account 444455556666, region eu-west-1, where "billing-db" lives; none can reach it`,
    );
  });
});
