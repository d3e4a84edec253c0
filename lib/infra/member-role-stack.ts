/**
 * QueueAuditorMemberRoleStack: deploy once in each member account the config lists with a
 * `roleArn` (or, for `aws.organization`, in every account through a service-managed StackSet
 * made from this very template: it has no assets and no bootstrap check). It creates the read-only role the collector assumes, trusting exactly the
 * auditor stack's collect role ARN (its output `CollectRoleArn`), with the session name and,
 * when the config gives one, the external id; it grants the collection actions of
 * lib/audit/iam.ts, scoped by resource type wherever IAM allows it.
 */
import { Aws, DefaultStackSynthesizer, Stack, type StackProps, Validations } from "aws-cdk-lib";
import { AccountPrincipal, PolicyDocument, PolicyStatement, Role } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { AUDITOR_SESSION_NAME, collectStatements, logGroupArns, logReadStatements, secretPattern } from "../audit/iam.js";
import { ChangeForwarder } from "./change-forwarder.js";
import { COLLECT_RESOURCE_PATTERNS } from "./nag.js";

export const MEMBER_ROLE_NAME = "QueueAuditorReadOnly";

export interface QueueAuditorMemberRoleStackProps extends StackProps {
  /** The account where QueueAuditorStack runs. */
  readonly auditorAccount: string;
  /**
   * The role name to create; the config's `aws.accounts[].roleArn` must name it.
   * @default "QueueAuditorReadOnly"
   */
  readonly roleName?: string;
  /**
   * The role ARNs allowed to assume this role: the auditor stack's output `CollectRoleArn`.
   * Exact ARNs in the auditor account, never a wildcard.
   */
  readonly trustedRoleArns: readonly string[];
  /** Required as sts:ExternalId when set (the config's `aws.accounts[].externalId`). */
  readonly externalId?: string;
  /**
   * Secret names or ARNs in this account whose rotation is audited (the config's
   * `credentials.secrets`): DescribeSecret is granted on these only.
   * @default none
   */
  readonly secrets?: readonly string[];
  /**
   * The databases' `postgresql` log groups the collector reads when the config has `logs:`
   * (lib/audit/iam.ts `auditedLogGroups`): logs:FilterLogEvents on these in any region of this
   * account, like the rest of the role. A template made for a StackSet serves accounts whose
   * database ids it cannot know: with `targets.tag` the names hold `*` and cover any
   * instance's or cluster's postgresql group, never another log type or a group outside /aws/rds/.
   * @default not granted (the config reads no logs)
   */
  readonly logGroups?: readonly string[];
  /**
   * The auditor stack's output `ChangeBusArn`: when set, this stack also forwards this
   * account's change events in its region to the auditor (change-forwarder.ts).
   * @default no forwarder
   */
  readonly changeBusArn?: string;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** Props that cannot work; the message says which prop and what to change. */
export class MemberRolePropsError extends Error {
  override name = "MemberRolePropsError";
}

export class QueueAuditorMemberRoleStack extends Stack {
  readonly role: Role;
  readonly forwarder?: ChangeForwarder;

  constructor(scope: Construct, id: string, props: QueueAuditorMemberRoleStackProps) {
    // No CDK bootstrap check: the template then deploys as it is through a CloudFormation
    // StackSet (service-managed, into every account of an OU), where no account is bootstrapped.
    super(scope, id, { synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }), ...props });
    if (!/^\d{12}$/.test(props.auditorAccount)) {
      throw new MemberRolePropsError(`auditorAccount: expected the 12-digit id of the auditor account, got "${props.auditorAccount}"`);
    }
    if (props.trustedRoleArns.length === 0) {
      throw new MemberRolePropsError("trustedRoleArns: expected the auditor stack's CollectRoleArn output (-c memberRoleTrusts=ARN)");
    }
    for (const arn of props.trustedRoleArns) {
      const account = ROLE_ARN.exec(arn)?.[1];
      if (account !== props.auditorAccount) {
        throw new MemberRolePropsError(
          `trustedRoleArns: expected role ARNs in the auditor account ${props.auditorAccount} (arn:aws:iam::${props.auditorAccount}:role/NAME), got "${arn}"`,
        );
      }
    }
    const conditions: Record<string, Record<string, string | string[]>> = {
      // Exactly the auditor's collect role (by ARN, which survives the role being recreated),
      // and only with the auditor's session name.
      ArnEquals: { "aws:PrincipalArn": [...props.trustedRoleArns] },
      StringEquals: { "sts:RoleSessionName": AUDITOR_SESSION_NAME },
    };
    if (props.externalId) conditions.StringEquals = { ...conditions.StringEquals, "sts:ExternalId": props.externalId };
    this.role = new Role(this, "ReadOnlyRole", {
      roleName: props.roleName ?? MEMBER_ROLE_NAME,
      description: "queue-auditor: read-only inventory of security groups, RDS, ElastiCache and secret metadata",
      assumedBy: new AccountPrincipal(props.auditorAccount).withConditions(conditions),
      inlinePolicies: {
        ReadOnlyInventory: new PolicyDocument({
          // Tokens, not literals: the same template (and acknowledgements) for every member account.
          statements: [
            ...collectStatements({
              partition: Aws.PARTITION,
              account: Aws.ACCOUNT_ID,
              secrets: (props.secrets ?? []).map((ref) => secretPattern(ref, Aws.PARTITION, Aws.ACCOUNT_ID)),
            }),
            ...logReadStatements(props.logGroups ?? [], { partition: Aws.PARTITION, account: Aws.ACCOUNT_ID, regions: ["*"] }),
          ].map((st) => new PolicyStatement({ sid: st.Sid, actions: st.Action, resources: st.Resource })),
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Only sts:GetCallerIdentity and the ec2/rds/elasticache Describe* calls, which have no resource-level permissions, are on *; the rest is scoped by resource type.",
    });
    for (const arn of logGroupArns(props.logGroups ?? [], { partition: "<AWS::Partition>", account: "<AWS::AccountId>", regions: ["*"] })) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arn}]`,
        reason:
          "logs:FilterLogEvents on an audited database's postgresql log group in any region of this account (`:*` is the group ARN's form CloudWatch Logs authorises; a `*` id stands for databases found by tag).",
      });
    }
    for (const pattern of [
      ...COLLECT_RESOURCE_PATTERNS,
      ...(props.secrets ?? [])
        .filter((ref) => !ref.startsWith("arn:"))
        .map((name) => `arn:<AWS::Partition>:secretsmanager:*:<AWS::AccountId>:secret:${name}-??????`),
    ]) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${pattern}]`,
        reason: "A read-only call scoped to one resource type (or one named secret) of this account; the inventory finds the rest.",
      });
    }
    if (props.changeBusArn) this.forwarder = new ChangeForwarder(this, "ChangeForwarder", { changeBusArn: props.changeBusArn });
  }
}
