/**
 * `deploy.alerts.securityHub: true`: the evaluate-and-record function may import findings
 * into the stack's own account and region — BatchImportFindings on the default product
 * ARN, nothing else, nowhere else — and knows that ARN; without the flag no function may
 * call Security Hub at all. cdk-nag stays clean.
 */
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { ENV } from "../../lambda/support/contract.js";
import { configWith, exampleConfig, iamStatements, synthStack } from "./support.js";

const withSecurityHub = () => {
  const example = exampleConfig();
  const deploy = example.deploy ?? { probeSecurityGroupIds: [], vpcEndpoints: "none" as const, alerts: { emails: [], securityHub: false } };
  return configWith({ deploy: { ...deploy, alerts: { ...deploy.alerts, securityHub: true } } });
};

/** `arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default` as CloudFormation writes it. */
const PRODUCT_ARN = {
  "Fn::Join": [
    "",
    [
      "arn:",
      { Ref: "AWS::Partition" },
      ":securityhub:",
      { Ref: "AWS::Region" },
      ":",
      { Ref: "AWS::AccountId" },
      ":product/",
      { Ref: "AWS::AccountId" },
      "/default",
    ],
  ],
};

describe("deploy.alerts.securityHub", () => {
  it("defaults to off, and then no function may call Security Hub", () => {
    expect(exampleConfig().deploy?.alerts.securityHub).toBe(false);
    const { template } = synthStack();
    expect(iamStatements(template).filter((s) => s.Action.some((a) => a.startsWith("securityhub:")))).toEqual([]);
    const envs = Object.values(template.findResources("AWS::Lambda::Function")).map((f) =>
      Object.keys(f.Properties.Environment?.Variables ?? {}),
    );
    expect(envs.flat()).not.toContain(ENV.securityHubProductArn);
  });

  it("lets the evaluate function import into its own account's default product, and only that", () => {
    const { template, stack } = synthStack(withSecurityHub());
    const statements = iamStatements(template).filter((s) => s.Action.some((a) => a.startsWith("securityhub:")));
    expect(statements).toEqual([
      {
        policy: expect.stringMatching(/^EvaluateRoleDefaultPolicy/),
        Effect: "Allow",
        Action: ["securityhub:BatchImportFindings"],
        Resource: [PRODUCT_ARN],
      },
    ]);
    const policy = Object.values(template.findResources("AWS::IAM::Policy")).find((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes("securityhub:"),
    );
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: "ImportSecurityHubFindings",
      Effect: "Allow",
      Action: "securityhub:BatchImportFindings",
      Resource: PRODUCT_ARN,
    });
    const evaluate = Template.fromStack(stack).findResources("AWS::Lambda::Function", {
      Properties: { Description: "queue-auditor: evaluate, record evidence, notify" },
    });
    const [fn] = Object.values(evaluate);
    expect(fn?.Properties.Environment.Variables[ENV.securityHubProductArn]).toEqual(PRODUCT_ARN);
  });

  it("keeps cdk-nag clean", () => {
    const { app } = synthStack(withSecurityHub(), {}, true);
    expect(() => app.synth()).not.toThrow();
  });
});
