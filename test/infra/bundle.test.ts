import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { AuditorFunction } from "../../lib/infra/auditor-function.js";
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
