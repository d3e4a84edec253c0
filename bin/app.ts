/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy [-c config=FILE]`. The config is the same
 * file the CLI reads (default examples/queue-auditor.yaml); a bad one stops the synth with
 * the CLI's one-line error. `-c memberRoleFor=ACCOUNT_ID -c memberRoleTrusts=ROLE_ARN[,ROLE_ARN]`
 * adds the member-account role stack, trusting exactly those role ARNs (the auditor stack's
 * output CollectRoleArn). `-c changeBusArn=ARN` (the auditor stack's output ChangeBusArn) adds the
 * change forwarder: inside the member-role stack when that is synthesized too, else as the
 * stack QueueAuditorChangeForwarder, for each further account × region (docs/deploy.md).
 * `-c probeInvoker=ROLE_ARN` (the auditor stack's output ProbeRelayRoleArn) adds one
 * QueueAuditorProbe-ACCOUNT-REGION-VPC stack per `deploy.probes` placement.
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { auditedLogGroups } from "../lib/audit/iam.js";
import { ChangeForwarderPropsError, QueueAuditorChangeForwarderStack } from "../lib/infra/change-forwarder.js";
import { ConfigError, configFromContext } from "../lib/infra/config.js";
import { MemberRolePropsError, QueueAuditorMemberRoleStack } from "../lib/infra/member-role-stack.js";
import { probeStackName } from "../lib/infra/plan.js";
import { ProbeStackPropsError, QueueAuditorProbeStack } from "../lib/infra/probe-stack.js";
import { QueueAuditorStack } from "../lib/infra/stack.js";

const app = new App();
let loaded: ReturnType<typeof configFromContext>;
try {
  loaded = configFromContext(app.node);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}

// Without CDK_DEFAULT_* (offline synth) the stacks are environment-agnostic: nothing is looked up.
const env =
  process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
    ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
    : undefined;

let auditor: QueueAuditorStack;
try {
  auditor = new QueueAuditorStack(app, "QueueAuditor", {
    config: loaded.config,
    configFile: loaded.file,
    description: `queue-auditor: scheduled and change-driven audit of job queue backends (config ${loaded.file})`,
    ...(env ? { env } : {}),
  });
} catch (err) {
  // What the config means for the stack (a target no probe placement reaches, aws.organization without deploy.organizationId, …): the same one line.
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message.startsWith(`${loaded.file}: `) ? err.message : `${loaded.file}: ${err.message}`);
  process.exit(2);
}

// `-c probeInvoker=ARN` (the auditor stack's output ProbeRelayRoleArn) adds a probe stack per
// deploy.probes placement, each bound to its own account and region: deploy each by name with
// that account's credentials (docs/deploy.md).
const probeInvoker = app.node.tryGetContext("probeInvoker");
const probePlacements = loaded.config.deploy?.probes ?? [];
if (typeof probeInvoker === "string" && probeInvoker) {
  if (probePlacements.length === 0) {
    console.error(`${loaded.file}: deploy.probes: expected probe placements for -c probeInvoker (or leave -c probeInvoker out)`);
    process.exit(2);
  }
  for (const [i, placement] of probePlacements.entries()) {
    try {
      new QueueAuditorProbeStack(app, probeStackName(placement), {
        config: loaded.config,
        placement,
        placementIndex: i,
        targets: auditor.probeAssignment?.byPlacement.get(i) ?? [],
        invokerRoleArn: probeInvoker,
        description: `queue-auditor: probe placement ${placement.account} ${placement.region} ${placement.vpc.id} (config ${loaded.file})`,
      });
    } catch (err) {
      if (!(err instanceof ProbeStackPropsError)) throw err;
      console.error(err.message);
      process.exit(2);
    }
  }
}

const configuredExternalId = (account: string | undefined) =>
  account
    ? (loaded.config.aws.accounts?.find((a) => a.id === account)?.externalId ?? loaded.config.aws.organization?.externalId)
    : loaded.config.aws.organization?.externalId;

const changeBus = app.node.tryGetContext("changeBusArn");
const changeBusArn = typeof changeBus === "string" && changeBus ? changeBus : undefined;
const auditorAccount = app.node.tryGetContext("memberRoleFor");
if (changeBusArn && typeof auditorAccount !== "string") {
  try {
    new QueueAuditorChangeForwarderStack(app, "QueueAuditorChangeForwarder", {
      changeBusArn,
      description: "queue-auditor: forwards this account and region's change events to the auditor",
      ...(env ? { env } : {}),
    });
  } catch (err) {
    if (!(err instanceof ChangeForwarderPropsError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}
if (typeof auditorAccount === "string") {
  const trusts = app.node.tryGetContext("memberRoleTrusts");
  const externalId = app.node.tryGetContext("memberRoleExternalId");
  try {
    new QueueAuditorMemberRoleStack(app, "QueueAuditorMemberRole", {
      auditorAccount,
      trustedRoleArns:
        typeof trusts === "string"
          ? trusts
              .split(",")
              .map((a) => a.trim())
              .filter(Boolean)
          : [],
      // The external id the collector sends for this account is the one the role requires.
      ...(typeof externalId === "string" && externalId
        ? { externalId }
        : configuredExternalId(env?.account)
          ? { externalId: configuredExternalId(env?.account) as string }
          : {}),
      ...(loaded.config.aws.organization ? { roleName: loaded.config.aws.organization.roleName } : {}),
      secrets: loaded.config.credentials.secrets,
      ...(loaded.config.logs ? { logGroups: auditedLogGroups(loaded.config.targets) } : {}),
      ...(changeBusArn ? { changeBusArn } : {}),
    });
  } catch (err) {
    if (!(err instanceof MemberRolePropsError || err instanceof ChangeForwarderPropsError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
