/**
 * Lambda bundles: size and cold-start module load, with the AWS SDK v3 bundled (what the
 * stack deploys) and left external (the runtime's copy; here resolved from node_modules).
 * Each handler is built with esbuild using the stack's own settings (auditorBundling), then
 * `require`d in a fresh node process with --enable-source-maps, as deployed. The init time
 * is the median of a few fresh processes; it measures module loading and top-level client
 * construction, not Lambda's sandbox start, which is the same either way.
 *
 *   npx tsx bench/lambda.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { loadConfig } from "../lib/audit/config/load.js";
import { auditorBundling, HANDLERS, handlerEntry, PROJECT_ROOT } from "../lib/infra/auditor-function.js";
import { DEFAULT_CONFIG_FILE } from "../lib/infra/config.js";

export interface LambdaBench {
  name: string;
  bundleKB: number;
  initMs: number;
}

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Time to load the bundle in a fresh process (the handler's module scope runs too). */
function initMs(file: string): number {
  const script = `const t=performance.now();require(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`;
  const env = { ...process.env, AWS_REGION: "eu-west-1", POWERTOOLS_LOG_LEVEL: "ERROR" };
  return median(
    Array.from({ length: RUNS }, () =>
      Number(execFileSync(process.execPath, ["--enable-source-maps", "--no-warnings", "-e", script], { env }).toString()),
    ),
  );
}

export async function benchLambdas(): Promise<LambdaBench[]> {
  const config = loadConfig(`${PROJECT_ROOT}${DEFAULT_CONFIG_FILE}`);
  // Inside the project, so an external @aws-sdk resolves from node_modules like the runtime's copy.
  const out = join(PROJECT_ROOT, "cdk.out", "bench-lambda");
  rmSync(out, { recursive: true, force: true });
  const results: LambdaBench[] = [];
  for (const bundled of [true, false]) {
    for (const handler of HANDLERS) {
      const options = auditorBundling(handler === "slack" ? undefined : config, bundled);
      const outfile = join(out, bundled ? "bundled" : "external", handler, "index.js");
      mkdirSync(join(outfile, ".."), { recursive: true });
      await build({
        entryPoints: [handlerEntry(handler)],
        bundle: true,
        platform: "node",
        format: "cjs",
        target: options.target,
        minify: options.minify,
        sourcemap: options.sourceMap,
        sourcesContent: options.sourcesContent ?? true,
        define: options.define,
        ...(options.mainFields ? { mainFields: options.mainFields } : {}),
        external: options.externalModules ?? [],
        outfile,
        logLevel: "error",
      });
      results.push({
        name: `${handler} (SDK ${bundled ? "bundled" : "external"})`,
        bundleKB: Math.round(statSync(outfile).size / 1024),
        initMs: Math.round(initMs(outfile) * 10) / 10,
      });
    }
  }
  rmSync(out, { recursive: true, force: true });
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const r of await benchLambdas())
    console.log(`${r.name.padEnd(30)} ${String(r.bundleKB).padStart(6)} KB ${String(r.initMs).padStart(8)} ms`);
}
