/** Fix for secret rotation: the secret's own name (quoted for the shell), rotation on a schedule within the limit. */
import type { CheckResult, Fix } from "../findings/model.js";
import { awsCommand, regionOption } from "./quote.js";

export function rotationFix(result: CheckResult): Fix {
  const e = result.evidence as { RotationEnabled?: boolean; maxAgeDays?: number };
  const id = result.resource.arn ?? result.resource.id;
  const days = Math.max(1, Math.min(e.maxAgeDays ?? 30, 1000));
  if (e.RotationEnabled === true) {
    return {
      kind: "aws-cli",
      text: `Rotation of ${result.resource.id} is on but has not run within ${days} days: rotate it now and check why the schedule did not (the rotation function's logs).`,
      commands: [awsCommand("secretsmanager", "rotate-secret", [...regionOption(result.resource.region), ["--secret-id", id]])],
    };
  }
  return {
    kind: "manual",
    text: `Turn on rotation for ${result.resource.id} every ${days} days with a rotation function for its engine (for RDS, the managed master-user secret or the Secrets Manager rotation templates). Clients must read the secret at connect time, not cache it, before rotation starts.`,
    commands: [
      awsCommand("secretsmanager", "rotate-secret", [
        ...regionOption(result.resource.region),
        ["--secret-id", id],
        ["--rotation-lambda-arn", "ROTATION_FUNCTION_ARN"],
        ["--rotation-rules", JSON.stringify({ AutomaticallyAfterDays: days })],
      ]),
    ],
  };
}
