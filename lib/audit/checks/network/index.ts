import type { Check } from "../types.js";
import { netForeignRoute } from "./net-foreign-route.js";
import { netNaclOpen } from "./net-nacl-open.js";
import { netPublicSubnet } from "./net-public-subnet.js";
import { sgAllTraffic } from "./sg-all-traffic.js";
import { sgUnapprovedCidr } from "./sg-unapproved-cidr.js";
import { sgUnapprovedSourceGroup } from "./sg-unapproved-source-group.js";
import { sgWorldIngress } from "./sg-world-ingress.js";

export const networkChecks: Check[] = [
  sgWorldIngress,
  sgUnapprovedCidr,
  sgUnapprovedSourceGroup,
  sgAllTraffic,
  netPublicSubnet,
  netNaclOpen,
  netForeignRoute,
];
