/**
 * QueueAuditorProbeStack: one probe placement of `deploy.probes`, deployed into its own
 * account and region (`cdk deploy QueueAuditorProbe-ACCOUNT-REGION-VPC` with that account's
 * credentials). It holds the probe function in the placement's VPC under a fixed name (the
 * auditor's plan knows its ARN before it exists), with the config of its own targets only,
 * their secrets and `rds-db:connect` grants in this account and region, and a resource policy
 * admitting exactly the auditor's probe relay role (the auditor stack's output
 * ProbeRelayRoleArn). It has no access to the auditor's tables or keys: the relay stores
 * what it returns.
 */
import { Annotations, CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import { ArnPrincipal } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import type { ProbeItem } from "../../lambda/support/contract.js";
import { partitionOfRegion } from "../audit/config/location.js";
import type { Config } from "../audit/config/schema.js";
import type { AuditorFunction } from "./auditor-function.js";
import { acknowledgeProbeStackFindings } from "./nag.js";
import { type ProbePlacement, probeFunctionName, rdsDbUserArns, type StackPlace } from "./plan.js";
import { addProbeFunction } from "./probe-function.js";

export interface QueueAuditorProbeStackProps extends Omit<StackProps, "env"> {
  /** The validated config; only this placement's targets are baked into its probe. */
  readonly config: Config;
  readonly placement: ProbePlacement;
  /** Its index in deploy.probes, for messages. */
  readonly placementIndex: number;
  /** The targets the auditor's plan assigned to this placement (plan.assignProbes). */
  readonly targets: readonly ProbeItem[];
  /** The auditor stack's output ProbeRelayRoleArn: the one principal that may invoke the probe. */
  readonly invokerRoleArn: string;
  /**
   * Bundle the AWS SDK v3 into the function.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
}

/** Props that cannot work; the message says which prop and what to change. */
export class ProbeStackPropsError extends Error {
  override name = "ProbeStackPropsError";
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** The config a placement's probe carries: its own targets, nothing about the others. */
export function placementConfig(config: Config, targets: readonly ProbeItem[]): Config {
  const has = (kind: ProbeItem["kind"], name: string) => targets.some((t) => t.kind === kind && t.name === name);
  return {
    ...config,
    postgres: config.postgres.filter((t) => has("postgres", t.name)),
    mysql: config.mysql.filter((t) => has("mysql", t.name)),
    redis: config.redis.filter((t) => has("redis", t.name)),
  };
}

export class QueueAuditorProbeStack extends Stack {
  readonly probe: AuditorFunction;

  constructor(scope: Construct, id: string, props: QueueAuditorProbeStackProps) {
    const { placement } = props;
    super(scope, id, { ...props, env: { account: placement.account, region: placement.region } });
    const partition = partitionOfRegion(placement.region);
    const invoker = ROLE_ARN.exec(props.invokerRoleArn);
    if (!invoker) {
      throw new ProbeStackPropsError(
        `invokerRoleArn: expected the auditor stack's output ProbeRelayRoleArn (arn:aws:iam::ACCOUNT:role/NAME), got "${props.invokerRoleArn}"`,
      );
    }
    // IAM does not cross partitions: an auditor in aws cannot invoke a function in aws-cn.
    if (invoker[1] !== partition) {
      throw new ProbeStackPropsError(
        `invokerRoleArn: expected a role in the ${partition} partition of deploy.probes[${props.placementIndex}] (${placement.region}), got "${props.invokerRoleArn}"`,
      );
    }
    if (props.targets.length === 0)
      Annotations.of(this).addWarningV2(
        "queue-auditor:placement-without-targets",
        `deploy.probes[${props.placementIndex}]: no target is in this placement's account and region (or named in its targets); its probe has nothing to probe`,
      );
    const place: StackPlace = { account: placement.account, region: placement.region, partition };
    const config = placementConfig(props.config, props.targets);
    this.probe = addProbeFunction(this, {
      config,
      place,
      bundleAwsSdk: props.bundleAwsSdk ?? true,
      network: {
        vpcId: placement.vpc.id,
        subnetIds: placement.vpc.subnetIds,
        securityGroupIds: placement.securityGroupIds,
        vpcEndpoints: placement.vpcEndpoints,
      },
      functionName: probeFunctionName(placement),
      onlyTargets: props.targets.map((t) => `${t.kind}/${t.name}`),
    });
    this.probe.addPermission("RelayInvokes", { principal: new ArnPrincipal(props.invokerRoleArn), action: "lambda:InvokeFunction" });
    new CfnOutput(this, "ProbeFunctionArn", {
      description: "This placement's probe function, invoked by the auditor's probe relay",
      value: this.probe.functionArn,
    });
    acknowledgeProbeStackFindings({
      stack: this,
      probe: this.probe,
      iamAuthArns: rdsDbUserArns(config, place),
      vpc: this.node.tryFindChild("Vpc"),
      subnets: this.node.children.filter((c) => c.node.id.startsWith("Subnet")),
    });
  }
}
