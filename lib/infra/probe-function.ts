/**
 * The probe function and what it needs where it runs: the VPC's subnets and groups, the
 * interface endpoints it may create there, the CA bundle layer, and its secret and
 * `rds-db:connect` grants. The auditor's stack builds it for `deploy.vpc`; each probe
 * placement's stack (probe-stack.ts) for its own account, region and VPC. Constructs are
 * added to the given stack directly, so the auditor's logical ids stay as they were.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Annotations, Duration, Fn, type Stack } from "aws-cdk-lib";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import { CfnVPCEndpoint, type ISecurityGroup, type ISubnet, Peer, Port, SecurityGroup, Subnet, Vpc } from "aws-cdk-lib/aws-ec2";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Architecture, Code, LayerVersion } from "aws-cdk-lib/aws-lambda";
import { ENV } from "../../lambda/support/contract.js";
import type { Config } from "../audit/config/schema.js";
import { PROBE_IAM_AUTH_ACTIONS, PROBE_SECRET_ACTIONS } from "../audit/iam.js";
import { AuditorFunction } from "./auditor-function.js";
import { probeSecretArns, rdsDbUserArns, type StackPlace } from "./plan.js";

/** Interface endpoints the probe needs inside the VPC (RDS IAM tokens are signed locally: no endpoint). */
export const PROBE_ENDPOINT_SERVICES = ["secretsmanager", "sts"] as const;

/** The SDK's own endpoint override: the probe reaches DynamoDB through the endpoint's DNS name, not private DNS. */
export const DYNAMODB_ENDPOINT_ENV = "AWS_ENDPOINT_URL_DYNAMODB";

/** Where the probe runs: a VPC's subnets, its own groups, and how it reaches AWS APIs. */
export interface ProbeNetwork {
  vpcId: string;
  subnetIds: readonly string[];
  securityGroupIds: readonly string[];
  vpcEndpoints: "create" | "existing" | "none";
}

export interface ProbeFunctionProps {
  /** The config baked into the bundle: for a placement, only its own targets. */
  readonly config: Config;
  readonly place: StackPlace;
  readonly bundleAwsSdk: boolean;
  /** Absent: outside any VPC (the synth warns). */
  readonly network?: ProbeNetwork | undefined;
  /** The auditor's artifacts table the probe writes to; absent for a placement, whose relay stores the observation. */
  readonly artifacts?: Table | undefined;
  /** A fixed name, so the auditor knows the placement's function ARN before it is deployed. */
  readonly functionName?: string | undefined;
  /** A placement's targets (`KIND/NAME`): the probe refuses any other. */
  readonly onlyTargets?: readonly string[] | undefined;
}

export function addProbeFunction(stack: Stack, props: ProbeFunctionProps): AuditorFunction {
  const { config, place, network } = props;
  let placed: { vpc: ReturnType<typeof Vpc.fromVpcAttributes>; subnets: ISubnet[]; groups: ISecurityGroup[] } | undefined;
  if (network) {
    // Attributes only: `cdk synth` makes no lookups, so it works offline.
    const vpc = Vpc.fromVpcAttributes(stack, "Vpc", { vpcId: network.vpcId, availabilityZones: Fn.getAzs() });
    const subnets = network.subnetIds.map((s, i) => Subnet.fromSubnetId(stack, `Subnet${i}`, s));
    const groups = network.securityGroupIds.map((g, i) =>
      SecurityGroup.fromSecurityGroupId(stack, `ProbeGroup${i}`, g, { mutable: false }),
    );
    placed = { vpc, subnets, groups };
  } else {
    Annotations.of(stack).addWarningV2(
      "queue-auditor:probe-outside-vpc",
      "deploy.vpc is not set: the probe runs outside any VPC and reaches only publicly resolvable, publicly reachable endpoints",
    );
  }
  const environment: Record<string, string> = {};
  if (props.artifacts) environment[ENV.artifactsTable] = props.artifacts.tableName;
  if (props.onlyTargets) environment[ENV.probeTargets] = props.onlyTargets.join(",");
  const probe = new AuditorFunction(stack, "Probe", {
    handlerName: "probe",
    config,
    bundleAwsSdk: props.bundleAwsSdk,
    description: "queue-auditor: probe one PostgreSQL database or Redis endpoint",
    memorySize: 512,
    timeout: Duration.minutes(3),
    environment,
    ...(props.functionName ? { functionName: props.functionName } : {}),
    ...(placed
      ? {
          vpc: placed.vpc,
          vpcSubnets: { subnets: placed.subnets },
          ...(placed.groups.length > 0 ? { securityGroups: placed.groups } : {}),
        }
      : {}),
  });
  const caLayer = postgresCaLayer(stack, config);
  if (caLayer) probe.addLayers(caLayer);
  const secrets = probeSecretArns(config, place);
  if (secrets.length > 0)
    probe.addToRolePolicy(new PolicyStatement({ sid: "ProbeSecrets", actions: [...PROBE_SECRET_ACTIONS], resources: secrets }));
  const dbUsers = rdsDbUserArns(config, place);
  if (dbUsers.length > 0)
    probe.addToRolePolicy(new PolicyStatement({ sid: "ProbeIamAuth", actions: [...PROBE_IAM_AUTH_ACTIONS], resources: dbUsers }));

  if (placed && network?.vpcEndpoints === "create") {
    const endpointGroup = new SecurityGroup(stack, "EndpointGroup", {
      vpc: placed.vpc,
      description: "queue-auditor: interface endpoints, HTTPS from the probe only",
      allowAllOutbound: false,
    });
    for (const [i, g] of network.securityGroupIds.entries()) {
      endpointGroup.addIngressRule(Peer.securityGroupId(g), Port.tcp(443), `HTTPS from probe group ${i}`);
    }
    for (const service of PROBE_ENDPOINT_SERVICES) {
      new CfnVPCEndpoint(stack, `Endpoint-${service}`, {
        vpcId: network.vpcId,
        serviceName: `com.amazonaws.${place.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: [...network.subnetIds],
        securityGroupIds: [endpointGroup.securityGroupId],
      });
    }
    if (props.artifacts) {
      // DynamoDB for the probe's artifact. A gateway endpoint would be free but needs the
      // subnets' route tables, which the config does not name; an interface endpoint needs
      // only the subnets. Its private DNS would capture every DynamoDB call in the VPC, so
      // it stays off and the probe alone is pointed at the endpoint's own DNS name.
      const dynamodb = new CfnVPCEndpoint(stack, "Endpoint-dynamodb", {
        vpcId: network.vpcId,
        serviceName: `com.amazonaws.${place.region}.dynamodb`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: false,
        subnetIds: [...network.subnetIds],
        securityGroupIds: [endpointGroup.securityGroupId],
      });
      // DnsEntries are "hostedZoneId:dnsName"; the first is the regional name.
      const regionalName = Fn.select(1, Fn.split(":", Fn.select(0, dynamodb.attrDnsEntries)));
      probe.addEnvironment(DYNAMODB_ENDPOINT_ENV, `https://${regionalName}`);
    }
  }
  return probe;
}

/**
 * RDS certificates are signed by Amazon RDS CAs, which are not in Node's trust store: without
 * the bundle, `verify-full` fails closed (ERROR findings). A layer puts the file where the probe
 * looks by default (/opt/queue-auditor/rds-global-bundle.pem).
 */
function postgresCaLayer(stack: Stack, config: Config): LayerVersion | undefined {
  const bundle = config.deploy?.postgresCaBundle;
  if (!bundle) {
    const verifying = config.postgres.filter((t) => t.connection.tls === "verify-full" && !t.connection.caFile);
    if (verifying.length > 0) {
      Annotations.of(stack).addWarningV2(
        "queue-auditor:no-postgres-ca-bundle",
        `${verifying.map((t) => t.name).join(", ")} verify TLS (verify-full) but deploy.postgresCaBundle is not set: RDS certificates will not verify and those checks will be ERROR. Download the RDS global bundle and name it there.`,
      );
    }
    return undefined;
  }
  const staging = mkdtempSync(path.join(os.tmpdir(), "queue-auditor-ca-layer-"));
  mkdirSync(path.join(staging, "queue-auditor"));
  copyFileSync(bundle, path.join(staging, "queue-auditor", "rds-global-bundle.pem"));
  return new LayerVersion(stack, "PostgresCaBundle", {
    description: "queue-auditor: CA certificates for verify-full TLS to PostgreSQL",
    code: Code.fromAsset(staging),
    compatibleArchitectures: [Architecture.ARM_64],
  });
}
