/**
 * The dependency direction of docs/architecture.md, enforced: the engine's stages import
 * only from their own stage or a lower one, the engine knows nothing of the CLI, the
 * Lambdas or the CDK, and the CDK app stays out of the bundles.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type ImportEdge, importsOf, sourceFiles } from "./imports.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * lib/audit's stages, lowest first, matched by the longest prefix. A module may import from
 * its own stage or a lower one. (Scope resolution is a pure function over the inventory's
 * data shapes, so it sits below the collectors, which run it on their discovery lists to
 * decide what else to fetch.)
 */
const STAGES: readonly { stage: string; paths: readonly string[] }[] = [
  { stage: "vocabulary", paths: ["lib/audit/model/", "lib/audit/iam.ts"] },
  { stage: "config", paths: ["lib/audit/config/"] },
  {
    stage: "observed data",
    paths: [
      "lib/audit/inventory/types.ts",
      "lib/audit/inventory/logs/types.ts",
      "lib/audit/probes/postgres/types.ts",
      "lib/audit/probes/redis/types.ts",
    ],
  },
  { stage: "scope", paths: ["lib/audit/scope/"] },
  { stage: "collect and probe", paths: ["lib/audit/inventory/", "lib/audit/probes/"] },
  { stage: "result model", paths: ["lib/audit/findings/model.ts"] },
  { stage: "checks", paths: ["lib/audit/checks/"] },
  { stage: "control mappings", paths: ["lib/audit/controls/"] },
  { stage: "findings", paths: ["lib/audit/findings/"] },
  { stage: "fixes", paths: ["lib/audit/fix/"] },
  { stage: "compare", paths: ["lib/audit/compare/"] },
  { stage: "store", paths: ["lib/audit/store/"] },
  { stage: "notify", paths: ["lib/audit/notify/"] },
  { stage: "report", paths: ["lib/audit/report/"] },
  { stage: "run", paths: ["lib/audit/engine.ts", "lib/audit/run.ts", "lib/audit/record.ts"] },
];

/**
 * Upward imports that are deliberate, each with its reason. Keep this list short.
 */
const ALLOWED_UPWARD: readonly { from: string; to: string; why: string }[] = [
  {
    from: "lib/audit/config/schema.ts",
    to: "lib/audit/checks/registry.ts",
    why: "the config validates check ids (mutes, overrides, disabled) against the registry, their one source; checks import only config types, so there is no cycle at run time",
  },
];

/** Packages of the deploy side and the terminal, which the engine must never load. */
const NOT_IN_ENGINE = ["aws-cdk-lib", "constructs", "cdk-nag", "commander"];

function stageOf(file: string): number {
  let best = -1;
  let bestLength = 0;
  for (const [rank, { paths }] of STAGES.entries()) {
    for (const prefix of paths) {
      if ((file === prefix || (prefix.endsWith("/") && file.startsWith(prefix))) && prefix.length > bestLength) {
        best = rank;
        bestLength = prefix.length;
      }
    }
  }
  return best;
}

const show = (e: ImportEdge) => `${e.from}:${e.line} imports ${e.to}`;

const engine = sourceFiles(ROOT, ["lib/audit"]);
const engineEdges = engine.flatMap((f) => importsOf(ROOT, f));

describe("dependency direction", () => {
  it("reads the import graph (a guard for the reader below: it must see the engine's imports)", () => {
    expect(engine.length).toBeGreaterThan(100);
    expect(engineEdges).toContainEqual(expect.objectContaining({ from: "lib/audit/engine.ts", to: "lib/audit/scope/index.ts" }));
    expect(importsOf(ROOT, "lib/audit/checks/types.ts")).toContainEqual(
      expect.objectContaining({ to: "lib/audit/scope/index.ts", typeOnly: true }),
    );
  });

  it("places every engine module in a stage", () => {
    expect(engine.filter((f) => stageOf(f) < 0)).toEqual([]);
  });

  it("never imports from a higher stage inside lib/audit", () => {
    const upward = engineEdges.filter(
      (e) =>
        e.to.startsWith("lib/audit/") && stageOf(e.to) > stageOf(e.from) && !ALLOWED_UPWARD.some((a) => a.from === e.from && a.to === e.to),
    );
    expect(upward.map((e) => `${show(e)} (${STAGES[stageOf(e.from)]?.stage} → ${STAGES[stageOf(e.to)]?.stage})`)).toEqual([]);
  });

  it("keeps the engine free of the CLI, the demo, the Lambdas, the CDK app and their packages", () => {
    const outward = (e: ImportEdge) => /^(lib\/(cli|demo|infra)|lambda|bin)\//.test(e.to) || NOT_IN_ENGINE.includes(e.to);
    expect(engineEdges.filter(outward).map(show)).toEqual([]);
  });

  it("keeps the CDK out of the handlers, the CLI and the demo, and the handlers' code out of the CDK app", () => {
    const runtime = sourceFiles(ROOT, ["lambda", "lib/cli", "lib/demo"]).flatMap((f) => importsOf(ROOT, f));
    const deploySide = (e: ImportEdge) => ["aws-cdk-lib", "constructs", "cdk-nag"].includes(e.to) || e.to.startsWith("lib/infra/");
    expect(runtime.filter(deploySide).map(show)).toEqual([]);
    // The stack may read the handlers' contract (env names, payload shapes), never a handler.
    const infra = sourceFiles(ROOT, ["lib/infra"]).flatMap((f) => importsOf(ROOT, f));
    const runtimeSide = (e: ImportEdge) => /^(lib\/(cli|demo)|lambda)\//.test(e.to) && e.to !== "lambda/support/contract.ts";
    expect(infra.filter(runtimeSide).map(show)).toEqual([]);
  });

  it("allows only upward imports that exist (a moved module takes its allowance with it)", () => {
    const stale = ALLOWED_UPWARD.filter((a) => !engineEdges.some((e) => e.from === a.from && e.to === a.to));
    expect(stale.map((a) => `${a.from} → ${a.to}`)).toEqual([]);
  });

  it("catches an upward import when one is added (the rule is not vacuous)", () => {
    const planted: ImportEdge = { from: "lib/audit/scope/rds.ts", to: "lib/audit/findings/model.ts", line: 1, typeOnly: true };
    expect(stageOf(planted.to)).toBeGreaterThan(stageOf(planted.from));
    expect(stageOf("lib/audit/inventory/aws/partition.ts")).toBeLessThan(stageOf("lib/audit/checks/registry.ts"));
  });
});
