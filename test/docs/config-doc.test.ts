import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../../lib/audit/config/load.js";
import { configSchema } from "../../lib/audit/config/schema.js";

const doc = readFileSync(new URL("../../docs/config.md", import.meta.url), "utf8");

describe("docs/config.md", () => {
  it("shows the full example, identical to the fixture, and it is a valid config", () => {
    const example = /## Full example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBe(readFileSync(new URL("../fixtures/config/contracts-example.yaml", import.meta.url), "utf8"));
    expect(() => parseConfig(parse(example ?? ""), "docs/config.md")).not.toThrow();
  });

  it("has a section for every top-level key of the schema", () => {
    for (const key of Object.keys(configSchema.shape)) expect(doc, key).toContain(`### \`${key}\``);
  });
});
