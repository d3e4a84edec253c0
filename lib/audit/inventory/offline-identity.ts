/**
 * Which account and region an export belongs to, read from the resources' own ARNs.
 * Used to label a flat inventory without meta.json, and to catch an export of one
 * account or region dropped into another's directory (which would silently mix estates).
 */

export interface ArnSighting {
  account: string;
  region: string;
  /** `DBInstances[0].DBInstanceArn` */
  path: string;
  file: string;
}

const ARN = /^arn:aws[a-z-]*:(?:rds|elasticache|secretsmanager|ec2):([a-z0-9-]+):(\d{12}):/;

/** Where in each export the resources' ARNs live. */
const ARN_FIELDS: Record<string, string[]> = {
  SecurityGroups: ["SecurityGroupArn"],
  DBInstances: ["DBInstanceArn"],
  DBClusters: ["DBClusterArn"],
  ReplicationGroups: ["ARN"],
  CacheClusters: ["ARN"],
  ServerlessCaches: ["ARN"],
  UserGroups: ["ARN"],
  Users: ["ARN"],
  Subnets: ["SubnetArn"],
  CacheSubnetGroups: ["ARN"],
};

export function arnSightings(file: string, data: Record<string, unknown>, listKey: string | undefined): ArnSighting[] {
  const out: ArnSighting[] = [];
  const look = (value: unknown, path: string) => {
    if (typeof value !== "string") return;
    const m = ARN.exec(value);
    if (m?.[1] && m[2]) out.push({ region: m[1], account: m[2], path, file });
  };
  if (listKey === undefined) {
    look(data.ARN, "ARN");
    return out;
  }
  const fields = ARN_FIELDS[listKey];
  const items = data[listKey];
  if (!fields || !Array.isArray(items)) return out;
  items.forEach((item: Record<string, unknown>, i) => {
    for (const field of fields) look(item[field], `${listKey}[${i}].${field}`);
  });
  return out;
}
