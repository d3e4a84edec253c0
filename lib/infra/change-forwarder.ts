/**
 * Forwards the change events of one member account × region to the auditor's change bus
 * (the auditor stack's output `ChangeBusArn`). CloudTrail's "AWS API Call via CloudTrail"
 * events reach only the default bus of the account and region where the call was made, so
 * each audited account × region other than the auditor's own needs one forwarder: a rule
 * with the auditor's own event pattern whose target is the auditor's bus, put through a role
 * (EventBridge requires one for a bus in another account or region).
 *
 * `ChangeForwarder` is the construct (the member-role stack adds it in its region);
 * `QueueAuditorChangeForwarderStack` deploys it alone, for the other regions.
 */
import { Stack, type StackProps } from "aws-cdk-lib";
import { EventBus, Rule } from "aws-cdk-lib/aws-events";
import { EventBus as EventBusTarget } from "aws-cdk-lib/aws-events-targets";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { changeEventPattern } from "./change-trigger.js";

const BUS_ARN = /^arn:aws[a-z-]*:events:([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d):(\d{12}):event-bus\/[\w.\-/]{1,256}$/;

/** Props that cannot work; the message says which prop and what to change. */
export class ChangeForwarderPropsError extends Error {
  override name = "ChangeForwarderPropsError";
}

export interface ChangeForwarderProps {
  /** The auditor stack's output `ChangeBusArn`: `arn:aws:events:REGION:ACCOUNT:event-bus/NAME`. */
  readonly changeBusArn: string;
}

export class ChangeForwarder extends Construct {
  readonly rule: Rule;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ChangeForwarderProps) {
    super(scope, id);
    if (!BUS_ARN.test(props.changeBusArn)) {
      throw new ChangeForwarderPropsError(
        `changeBusArn: expected the auditor stack's ChangeBusArn output (arn:aws:events:REGION:ACCOUNT:event-bus/NAME), got "${props.changeBusArn}"`,
      );
    }
    const stack = Stack.of(this);
    const bus = EventBus.fromEventBusArn(this, "AuditorBus", props.changeBusArn);
    // EventBridge assumes it only on behalf of this account's rules (no confused deputy).
    this.role = new Role(this, "Role", {
      description: "queue-auditor: put this account's change events on the auditor's change bus",
      assumedBy: new ServicePrincipal("events.amazonaws.com").withConditions({
        StringEquals: { "aws:SourceAccount": stack.account },
      }),
    });
    this.rule = new Rule(this, "Rule", {
      description: "queue-auditor: forward changes to who can reach a job queue backend to the auditor",
      eventPattern: changeEventPattern(),
    });
    // The target grants the role events:PutEvents on that bus ARN, and nothing else.
    this.rule.addTarget(new EventBusTarget(bus, { role: this.role }));
  }
}

export interface QueueAuditorChangeForwarderStackProps extends StackProps, ChangeForwarderProps {}

/** One forwarder, for an account × region with no member-role stack (another region of a member or of the auditor). */
export class QueueAuditorChangeForwarderStack extends Stack {
  readonly forwarder: ChangeForwarder;

  constructor(scope: Construct, id: string, props: QueueAuditorChangeForwarderStackProps) {
    super(scope, id, props);
    this.forwarder = new ChangeForwarder(this, "Forwarder", { changeBusArn: props.changeBusArn });
  }
}
