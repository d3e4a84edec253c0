import type { CheckResult } from "../../findings/model.js";
import type { WireUser } from "../../inventory/types.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import { cacheBackends, userGroupIds } from "./subjects.js";

/** An ACL access string is on unless its last on/off token is `off` (AWS's own default user says `on`). */
export function accessStringIsOn(accessString: string | undefined): boolean {
  const tokens = (accessString ?? "").trim().split(/\s+/);
  const last = tokens.filter((t) => t === "on" || t === "off").pop();
  return last !== "off";
}

function isOpenDefault(user: WireUser): boolean {
  return user.UserName === "default" && user.Authentication?.Type === "no-password" && accessStringIsOn(user.AccessString);
}

export const cacheDefaultUserOpen: Check = {
  meta: {
    id: "cache-default-user-open",
    title: "RBAC default user needs no password",
    severity: "critical",
    resourceType: ["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::ServerlessCache"],
    rationale:
      "Redis logs every new connection in as `default`. A user group whose `default` user is on with no password makes RBAC decorative: anyone who reaches the port has that user's access.",
    remediation:
      "Replace the group's default user with one that is off: `aws elasticache create-user --user-id queue-default-off --user-name default --engine redis --access-string 'off ~* -@all' --authentication-mode Type=no-password-required` then `aws elasticache modify-user-group --user-group-id queue-users --user-ids-to-add queue-default-off --user-ids-to-remove default`.",
    references: ["Amazon ElastiCache User Guide: Role-Based Access Control (RBAC)"],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const b of cacheBackends(ctx)) {
      const groups = userGroupIds(b);
      if (groups.length === 0) continue; // no RBAC: cache-auth-disabled speaks for it
      const { userGroups, users } = b.partition;
      if (!userGroups.ok) {
        out.push(unobserved("cache-default-user-open", b.resource, userGroups.error, `the members of user group ${groups.join(", ")}`));
        continue;
      }
      if (!users.ok) {
        out.push(unobserved("cache-default-user-open", b.resource, users.error, `the users of user group ${groups.join(", ")}`));
        continue;
      }
      const userById = new Map(users.value.map((u) => [u.UserId ?? "", u]));
      let failed = false;
      let missing = false;
      for (const groupId of groups) {
        const group = userGroups.value.find((g) => g.UserGroupId === groupId);
        if (!group) {
          missing = true;
          out.push(
            unobserved(
              "cache-default-user-open",
              b.resource,
              {
                source: groupId,
                reason: `user group ${groupId} is not in the described user groups`,
                code: "NotCaptured",
                account: b.partition.account,
                region: b.partition.region,
              },
              `user group ${groupId}`,
              groupId,
            ),
          );
          continue;
        }
        for (const userId of group.UserIds ?? []) {
          const user = userById.get(userId);
          if (!user) {
            missing = true;
            out.push(
              unobserved(
                "cache-default-user-open",
                b.resource,
                {
                  source: userId,
                  reason: `user ${userId} of ${groupId} is not in the described users`,
                  code: "NotCaptured",
                  account: b.partition.account,
                  region: b.partition.region,
                },
                `user ${userId}`,
                `${groupId}/${userId}`,
              ),
            );
            continue;
          }
          if (isOpenDefault(user)) {
            failed = true;
            out.push(
              fail(
                "cache-default-user-open",
                b.resource,
                `${groupId}/${userId}`,
                `User group ${groupId} of ${b.resource.id} lets anyone in as \`default\` (user ${userId}, no password, access "${user.AccessString}"): replace it with a default user that is off.`,
                {
                  userGroupId: groupId,
                  userId,
                  userName: user.UserName,
                  authenticationType: user.Authentication?.Type,
                  accessString: user.AccessString,
                },
              ),
            );
          }
        }
      }
      if (!failed && !missing) {
        out.push(
          pass("cache-default-user-open", b.resource, `The default user of ${groups.join(", ")} is off or needs a password.`, {
            userGroupIds: groups,
          }),
        );
      }
    }
    return out;
  },
};
