/**
 * Mutation testing, one area at a time (StrykerJS, stryker.config.mjs):
 *
 *   npm run mutation                         # every area, in the order below
 *   npm run mutation -- compare chain        # only these areas
 *   npm run mutation -- postgres --force     # re-test every mutant, not only the changed ones
 *   npm run mutation -- --mutate 'lib/audit/compare/alerts.ts'   # Stryker flags, as given (the tests of
 *                                                                # every area unless --testFiles names others)
 *
 * Each area keeps its own incremental file (reports/mutation/<area>.incremental.json), so
 * running one area never throws away what another area's run learned. At the end it prints
 * the table the README's Development section carries. docs/mutation.md explains the rest.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Area {
  /** The code Stryker mutates. */
  mutate: string[];
  /**
   * The tests that must kill its mutants: the area's own in-process tests, so a mutant costs
   * milliseconds, not the seconds of the store, CLI and live-server suites (vitest.mutation.config.ts
   * excludes the live-server files from any run).
   */
  tests: string[];
}

/** A check family: its modules, its tests and the cross-family check tests (registry, cases). */
const family = (name: string, mutate = [`lib/audit/checks/${name}/**/*.ts`]): Area => ({
  mutate,
  tests: ["test/audit/checks/*.test.ts", `test/audit/checks/${name}/**/*.test.ts`],
});

/** Areas in the order they are worth a developer's time: where a slip hides a route first. */
export const AREAS: Record<string, Area> = {
  compare: { mutate: ["lib/audit/compare/**/*.ts"], tests: ["test/audit/compare/**/*.test.ts"] },
  chain: { mutate: ["lib/audit/store/chain.ts"], tests: ["test/audit/store/chain*.test.ts"] },
  "postgres-access": family("postgres", ["lib/audit/checks/postgres/access/**/*.ts"]),
  postgres: family("postgres", ["lib/audit/checks/postgres/*.ts"]),
  network: family("network"),
  "redis-acl": family("redis", ["lib/audit/checks/redis/acl/**/*.ts"]),
  redis: family("redis", ["lib/audit/checks/redis/*.ts"]),
  mysql: family("mysql"),
  logs: family("logs"),
  rds: family("rds"),
  elasticache: family("elasticache"),
  credentials: family("credentials"),
  auditor: family("auditor"),
  registry: family("registry", ["lib/audit/checks/*.ts", "!lib/audit/checks/types.ts"]),
};

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STRYKER = fileURLToPath(new URL("../node_modules/@stryker-mutator/core/bin/stryker.js", import.meta.url));

export interface AreaScore {
  area: string;
  mutants: number;
  killed: number;
  survived: number;
  noCoverage: number;
  score: number;
}

type Status = "Killed" | "Timeout" | "Survived" | "NoCoverage" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";
interface JsonReport {
  files: Record<string, { mutants: { status: Status }[] }>;
}

/**
 * Stryker's mutation score: detected (killed or timed out) over valid mutants (detected,
 * survived, not covered). Mutants that do not compile or are ignored count for nothing.
 */
export function scoreOf(area: string, report: JsonReport): AreaScore {
  const count = (wanted: Status[]) =>
    Object.values(report.files).reduce((sum, file) => sum + file.mutants.filter((m) => wanted.includes(m.status)).length, 0);
  const killed = count(["Killed", "Timeout"]);
  const survived = count(["Survived"]);
  const noCoverage = count(["NoCoverage"]);
  const mutants = killed + survived + noCoverage;
  return { area, mutants, killed, survived, noCoverage, score: mutants === 0 ? 100 : (100 * killed) / mutants };
}

function stryker(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const run = spawnSync(process.execPath, [STRYKER, "run", "stryker.config.mjs", ...args], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  return run.status ?? 1;
}

function main(argv: string[]): number {
  // Area names select areas; everything else goes to Stryker as given.
  const names = argv.filter((a) => a in AREAS);
  const flags = argv.filter((a) => !(a in AREAS));
  if (flags.includes("--mutate")) {
    // Files of any area: judged by the tests of every area unless the caller names others.
    const tests = [...new Set(Object.values(AREAS).flatMap((a) => a.tests))];
    return stryker(flags.includes("--testFiles") ? flags : [...flags, "--testFiles", tests.join(",")]);
  }
  const scores: AreaScore[] = [];
  let status = 0;
  for (const area of names.length > 0 ? names : Object.keys(AREAS)) {
    const { mutate, tests } = AREAS[area] as Area;
    const args = [
      "--mutate",
      mutate.join(","),
      "--testFiles",
      tests.join(","),
      "--incrementalFile",
      `reports/mutation/${area}.incremental.json`,
    ];
    const exit = stryker([...args, ...flags], { MUTATION_AREA: area });
    const json = `${ROOT}reports/mutation/${area}.json`;
    if (exit !== 0 || !existsSync(json)) {
      console.error(`mutation: the ${area} run failed (exit ${exit})`);
      status = 1;
      continue;
    }
    scores.push(scoreOf(area, JSON.parse(readFileSync(json, "utf8")) as JsonReport));
  }
  const date = new Date().toISOString().slice(0, 10);
  console.log("\n| Area | Mutants | Killed | Score | Date |\n|---|---:|---:|---:|---|");
  for (const s of scores) console.log(`| ${s.area} | ${s.mutants} | ${s.killed} | ${s.score.toFixed(1)}% | ${date} |`);
  return status;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
