/**
 * QueueAuditorMemberRoleStack: deploy once in each member account the config lists with a
 * `roleArn`. It creates the read-only role the collector assumes, trusting only the
 * auditor account's collect function role (by account, with a principal-ARN condition),
 * and granting exactly the collection actions of lib/audit/iam.ts.
 */
import { Stack, type StackProps, Validations } from "aws-cdk-lib";
import { AccountPrincipal, PolicyDocument, PolicyStatement, Role } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { AUDITOR_SESSION_NAME, COLLECT_ACTIONS } from "../audit/iam.js";

export const MEMBER_ROLE_NAME = "QueueAuditorReadOnly";

export interface QueueAuditorMemberRoleStackProps extends StackProps {
  /** The account where QueueAuditorStack runs. */
  readonly auditorAccount: string;
  /**
   * The role name to create; the config's `aws.accounts[].roleArn` must name it.
   * @default "QueueAuditorReadOnly"
   */
  readonly roleName?: string;
  /** Required as sts:ExternalId when set (the config's `aws.accounts[].externalId`). */
  readonly externalId?: string;
}

/** Props that cannot work; the message says which prop and what to change. */
export class MemberRolePropsError extends Error {
  override name = "MemberRolePropsError";
}

export class QueueAuditorMemberRoleStack extends Stack {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: QueueAuditorMemberRoleStackProps) {
    super(scope, id, props);
    if (!/^\d{12}$/.test(props.auditorAccount)) {
      throw new MemberRolePropsError(`auditorAccount: expected the 12-digit id of the auditor account, got "${props.auditorAccount}"`);
    }
    const conditions: Record<string, Record<string, string>> = {
      // Only roles of the auditor stack (CDK names them QueueAuditor…Collect…), and only with our session name.
      ArnLike: { "aws:PrincipalArn": `arn:${this.partition}:iam::${props.auditorAccount}:role/QueueAuditor*` },
      StringEquals: { "sts:RoleSessionName": AUDITOR_SESSION_NAME },
    };
    if (props.externalId) conditions.StringEquals = { ...conditions.StringEquals, "sts:ExternalId": props.externalId };
    this.role = new Role(this, "ReadOnlyRole", {
      roleName: props.roleName ?? MEMBER_ROLE_NAME,
      description: "queue-auditor: read-only inventory of security groups, RDS, ElastiCache and secret metadata",
      assumedBy: new AccountPrincipal(props.auditorAccount).withConditions(conditions),
      inlinePolicies: {
        ReadOnlyInventory: new PolicyDocument({ statements: [new PolicyStatement({ actions: [...COLLECT_ACTIONS], resources: ["*"] })] }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "The Describe/List/Get collection actions of lib/audit/iam.ts do not support resource-level permissions; every one is read-only.",
    });
  }
}
