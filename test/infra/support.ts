/**
 * Builds the stack for assertions. Bundling is skipped (`aws:cdk:bundling-stacks: []`)
 * because these tests read the template, not the code; test/infra/bundle.test.ts bundles
 * for real once.
 */
import { App, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { expect } from "vitest";
import { loadConfig } from "../../lib/audit/config/load.js";
import { type Config, type ConfigInput, configSchema } from "../../lib/audit/config/schema.js";
import { DEFAULT_CONFIG_FILE } from "../../lib/infra/config.js";
import { QueueAuditorStack, type QueueAuditorStackProps } from "../../lib/infra/stack.js";

/**
 * The CDK's template assertions throw on a mismatch but are not vitest assertions, so a test
 * made only of them would count as asserting nothing (vitest.config.ts requires assertions).
 * Each call counts as one here: it runs inside `expect(…).not.toThrow()`, so a mismatch still
 * fails with the CDK's own message.
 */
const CDK_ASSERTIONS = [
  "hasResource",
  "hasResourceProperties",
  "resourceCountIs",
  "resourcePropertiesCountIs",
  "hasOutput",
  "hasParameter",
  "hasMapping",
  "hasCondition",
  "templateMatches",
  "allResources",
  "allResourcesProperties",
] as const;
for (const name of CDK_ASSERTIONS) {
  const original = Template.prototype[name] as (...args: unknown[]) => void;
  Object.defineProperty(Template.prototype, name, {
    value(this: Template, ...args: unknown[]) {
      expect(() => original.apply(this, args)).not.toThrow();
    },
  });
}

export const exampleConfig = (): Config => loadConfig(DEFAULT_CONFIG_FILE);

/** The example config with some keys replaced (validated by the real schema). */
export function configWith(overrides: Partial<ConfigInput>): Config {
  return configSchema.parse({ ...exampleConfig(), ...overrides });
}

export function synthStack(config: Config = exampleConfig(), props: Partial<QueueAuditorStackProps> = {}, nag = false) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new QueueAuditorStack(app, "QueueAuditor", { config, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The state machine definition as JSON, tokens replaced by their CloudFormation reference. */
export function definitionOf(template: Template): Record<string, unknown> {
  const machines = template.findResources("AWS::StepFunctions::StateMachine");
  const [machine] = Object.values(machines);
  const def = (machine as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString;
  const text =
    typeof def === "string"
      ? def
      : ((def as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1] as unknown[])
          .map((part) => (typeof part === "string" ? part : `<${JSON.stringify(part).replace(/"/g, "'")}>`))
          .join("");
  return JSON.parse(text) as Record<string, unknown>;
}

/** Every statement of every IAM policy in the template (inline role policies included). */
export function iamStatements(template: Template): { policy: string; Effect: string; Action: string[]; Resource: unknown[] }[] {
  const out: { policy: string; Effect: string; Action: string[]; Resource: unknown[] }[] = [];
  const push = (policy: string, doc: { Statement: { Effect: string; Action: string | string[]; Resource: unknown }[] }) => {
    for (const s of doc.Statement) {
      out.push({ policy, Effect: s.Effect, Action: [s.Action].flat(), Resource: [s.Resource].flat() });
    }
  };
  for (const [id, r] of Object.entries(template.findResources("AWS::IAM::Policy"))) push(id, r.Properties.PolicyDocument);
  for (const [id, r] of Object.entries(template.findResources("AWS::IAM::Role"))) {
    for (const p of r.Properties.Policies ?? []) push(`${id}/${p.PolicyName}`, p.PolicyDocument);
  }
  return out;
}
