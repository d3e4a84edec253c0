/**
 * Synthetic estates: a config and an inventory of any size, shaped like the AWS API
 * responses the collectors and the offline reader produce. Used by the benchmarks and by
 * tests that need scale (collector call counts, engine linearity).
 *
 *   const { config, inventory } = generateEstate({ securityGroups: 10_000, rulesPerGroup: 10, rdsInstances: 2_000, cacheClusters: 2_000 });
 *   await writeEstate(dir, estate);   // the offline inventory layout of CONTRACTS.md
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseConfig } from "../lib/audit/config/load.js";
import type { Config } from "../lib/audit/config/schema.js";
import type {
  Inventory,
  InventoryPartition,
  WireCacheCluster,
  WireCacheSubnetGroup,
  WireDBInstance,
  WireNetworkAcl,
  WireParameter,
  WireRouteTable,
  WireSecurityGroup,
  WireSubnet,
} from "../lib/audit/inventory/types.js";
import { INVENTORY_FILES } from "../lib/audit/inventory/types.js";

export interface EstateSize {
  securityGroups: number;
  rulesPerGroup: number;
  rdsInstances: number;
  cacheClusters: number;
  account?: string;
  region?: string;
}

export interface Estate {
  config: Config;
  inventory: Inventory;
}

const hex = (n: number, width = 17) => n.toString(16).padStart(width, "0");
export const sgId = (i: number) => `sg-${hex(i)}`;

/** A deterministic mix: mostly approved sources, some world and unapproved CIDRs, other groups, prefix lists, UDP. */
function permissions(i: number, rules: number, port: number): WireSecurityGroup["IpPermissions"] {
  const out: NonNullable<WireSecurityGroup["IpPermissions"]> = [];
  for (let r = 0; r < rules; r++) {
    const kind = (i + r) % 10;
    const base = { IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
    if (kind === 0) out.push({ ...base, IpProtocol: "tcp", FromPort: port, ToPort: port, IpRanges: [{ CidrIp: "0.0.0.0/0" }] });
    else if (kind === 1)
      out.push({ ...base, IpProtocol: "tcp", FromPort: port, ToPort: port, IpRanges: [{ CidrIp: `198.51.${r % 256}.0/24` }] });
    else if (kind === 2)
      out.push({ ...base, IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: sgId((i + 1) % 1_000_000), UserId: "111122223333" }] });
    else if (kind === 3) out.push({ ...base, IpProtocol: "udp", FromPort: port, ToPort: port, IpRanges: [{ CidrIp: "0.0.0.0/0" }] });
    else if (kind === 4) out.push({ ...base, IpProtocol: "tcp", FromPort: 0, ToPort: 65535, Ipv6Ranges: [{ CidrIpv6: "2001:db8::/48" }] });
    else if (kind === 5)
      out.push({ ...base, IpProtocol: "tcp", FromPort: port, ToPort: port, PrefixListIds: [{ PrefixListId: "pl-0000000000000a001" }] });
    else out.push({ ...base, IpProtocol: "tcp", FromPort: port, ToPort: port, IpRanges: [{ CidrIp: `10.20.${r % 256}.0/24` }] });
  }
  return out;
}

const VPC = "vpc-0a1b2c3d4e5f60001";
type WireRoute = NonNullable<WireRouteTable["Routes"]>[number];
type WireAclEntry = NonNullable<WireNetworkAcl["Entries"]>[number];

/** Subnet blocks: one per 40 backends (at least 12, so every kind of route table and NACL below occurs). */
export const blocksFor = (size: Pick<EstateSize, "rdsInstances" | "cacheClusters">) =>
  Math.max(12, Math.ceil((size.rdsInstances + size.cacheClusters) / 40));

const subnetId = (n: number) => `subnet-${hex(n)}`;
const subnetPair = (block: number) => [subnetId(2 * block), subnetId(2 * block + 1)];

/**
 * The network path: `blocks` pairs of subnets (two AZs), each pair a DB and a cache subnet
 * group, its own network ACL and, but for the pairs on the VPC's main table, its own route
 * table. Route tables by block % 4: an internet gateway default route (public subnets), a NAT
 * default and a peering route to 172.31.0.0/16 (a foreign network), the main table (NAT only,
 * no explicit association), a transit gateway route inside the approved range. NACLs by
 * block % 3: allow everything (as a default NACL does), allow only 10.20.0.0/16 to the
 * backend ports, allow 10.0.0.0/8 to them (wider than approved).
 */
function networkPath(blocks: number, account: string, region: string) {
  const subnets: WireSubnet[] = [];
  const routeTables: WireRouteTable[] = [];
  const networkAcls: WireNetworkAcl[] = [];
  const local: WireRoute = { DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" };
  const nat = (b: number): WireRoute => ({
    DestinationCidrBlock: "0.0.0.0/0",
    NatGatewayId: `nat-${hex(b)}`,
    Origin: "CreateRoute",
    State: "active",
  });
  routeTables.push({
    RouteTableId: `rtb-${hex(0)}`,
    VpcId: VPC,
    OwnerId: account,
    Associations: [
      {
        Main: true,
        RouteTableAssociationId: `rtbassoc-${hex(0)}`,
        RouteTableId: `rtb-${hex(0)}`,
        AssociationState: { State: "associated" },
      },
    ],
    Routes: [local, nat(0)],
  });
  for (let b = 0; b < blocks; b++) {
    const ids = subnetPair(b);
    ids.forEach((SubnetId, k) => {
      const n = 2 * b + k;
      subnets.push({
        SubnetId,
        SubnetArn: `arn:aws:ec2:${region}:${account}:subnet/${SubnetId}`,
        VpcId: VPC,
        OwnerId: account,
        // /26 blocks of 10.20.0.0/16: room for 1,024 subnets.
        CidrBlock: `10.20.${n >> 2}.${(n & 3) * 64}/26`,
        AvailabilityZone: `${region}${k === 0 ? "a" : "b"}`,
        State: "available",
        MapPublicIpOnLaunch: b % 4 === 0,
      });
    });
    const tableKind = b % 4;
    if (tableKind !== 2) {
      const RouteTableId = `rtb-${hex(b + 1)}`;
      const routes: NonNullable<WireRouteTable["Routes"]> = [local];
      if (tableKind === 0)
        routes.push({ DestinationCidrBlock: "0.0.0.0/0", GatewayId: `igw-${hex(1)}`, Origin: "CreateRoute", State: "active" });
      if (tableKind === 1)
        routes.push(nat(b + 1), {
          DestinationCidrBlock: "172.31.0.0/16",
          VpcPeeringConnectionId: `pcx-${hex(1)}`,
          Origin: "CreateRoute",
          State: "active",
        });
      if (tableKind === 3)
        routes.push(nat(b + 1), {
          DestinationCidrBlock: "10.20.128.0/17",
          TransitGatewayId: `tgw-${hex(1)}`,
          Origin: "CreateRoute",
          State: "active",
        });
      routeTables.push({
        RouteTableId,
        VpcId: VPC,
        OwnerId: account,
        Associations: ids.map((SubnetId, k) => ({
          Main: false,
          RouteTableAssociationId: `rtbassoc-${hex(2 * b + k + 1)}`,
          RouteTableId,
          SubnetId,
          AssociationState: { State: "associated" },
        })),
        Routes: routes,
      });
    }
    const NetworkAclId = `acl-${hex(b)}`;
    const outbound: WireAclEntry[] = [
      { CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "allow", RuleNumber: 100 },
      { CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
    ];
    const deny: WireAclEntry = { CidrBlock: "0.0.0.0/0", Egress: false, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 };
    const aclKind = b % 3;
    const inbound: WireAclEntry[] =
      aclKind === 0
        ? [{ CidrBlock: "0.0.0.0/0", Egress: false, Protocol: "-1", RuleAction: "allow", RuleNumber: 100 }, deny]
        : [
            {
              CidrBlock: aclKind === 1 ? "10.20.0.0/16" : "10.0.0.0/8",
              Egress: false,
              PortRange: { From: 5432, To: 5432 },
              Protocol: "6",
              RuleAction: "allow",
              RuleNumber: 100,
            },
            {
              CidrBlock: aclKind === 1 ? "10.20.0.0/16" : "10.0.0.0/8",
              Egress: false,
              PortRange: { From: 6379, To: 6379 },
              Protocol: "6",
              RuleAction: "allow",
              RuleNumber: 110,
            },
            deny,
          ];
    networkAcls.push({
      NetworkAclId,
      VpcId: VPC,
      OwnerId: account,
      IsDefault: false,
      Associations: ids.map((SubnetId, k) => ({ NetworkAclAssociationId: `aclassoc-${hex(2 * b + k)}`, NetworkAclId, SubnetId })),
      Entries: [...outbound, ...inbound],
    });
  }
  return { subnets, routeTables, networkAcls };
}

export function generateEstate(size: EstateSize): Estate {
  const account = size.account ?? "111122223333";
  const region = size.region ?? "eu-west-1";
  const blocks = blocksFor(size);
  const groups: WireSecurityGroup[] = [];
  for (let i = 0; i < size.securityGroups; i++) {
    const port = i % 2 === 0 ? 5432 : 6379;
    groups.push({
      GroupId: sgId(i),
      GroupName: `queue-${i}`,
      Description: "synthetic",
      OwnerId: account,
      VpcId: VPC,
      IpPermissions: permissions(i, size.rulesPerGroup, port),
      IpPermissionsEgress: [],
    });
  }
  // Backends share the groups round-robin so every group guards something in scope.
  const dbGroups = Math.max(1, Math.ceil(size.securityGroups / 2));
  const instances: WireDBInstance[] = [];
  for (let i = 0; i < size.rdsInstances; i++) {
    const attached = [0, 1, 2].map((k) => sgId(((i * 3 + k) % dbGroups) * 2)).filter((id, k, all) => all.indexOf(id) === k);
    instances.push({
      DBInstanceIdentifier: `queue-db-${i}`,
      DBInstanceArn: `arn:aws:rds:${region}:${account}:db:queue-db-${i}`,
      Engine: "postgres",
      EngineVersion: i % 3 === 0 ? "14.12" : "16.4",
      Endpoint: { Address: `queue-db-${i}.example.${region}.rds.amazonaws.com`, Port: 5432 },
      PubliclyAccessible: i % 50 === 0,
      StorageEncrypted: i % 7 !== 0,
      IAMDatabaseAuthenticationEnabled: i % 2 === 0,
      EnabledCloudwatchLogsExports: i % 5 === 0 ? [] : ["postgresql"],
      VpcSecurityGroups: attached.map((VpcSecurityGroupId) => ({ VpcSecurityGroupId, Status: "active" })),
      DBParameterGroups: [{ DBParameterGroupName: `queue-pg-${i % 10}`, ParameterApplyStatus: "in-sync" }],
      DBSubnetGroup: {
        DBSubnetGroupName: `queue-db-subnets-${i % blocks}`,
        VpcId: VPC,
        SubnetGroupStatus: "Complete",
        Subnets: subnetPair(i % blocks).map((SubnetIdentifier) => ({ SubnetIdentifier, SubnetStatus: "Active" })),
      },
      TagList: [{ Key: "queue-backend", Value: "delayed_job" }],
    });
  }
  const cacheGroups = Math.max(1, Math.floor(size.securityGroups / 2));
  const clusters: WireCacheCluster[] = [];
  for (let i = 0; i < size.cacheClusters; i++) {
    clusters.push({
      CacheClusterId: `jobs-cache-${i}`,
      ARN: `arn:aws:elasticache:${region}:${account}:cluster:jobs-cache-${i}`,
      Engine: "redis",
      EngineVersion: "7.1.0",
      CacheClusterStatus: "available",
      CacheNodes: [{ CacheNodeId: "0001", Endpoint: { Address: `jobs-cache-${i}.abc.0001.euw1.cache.amazonaws.com`, Port: 6379 } }],
      SecurityGroups: [{ SecurityGroupId: sgId(((i % cacheGroups) * 2 + 1) % Math.max(1, size.securityGroups)), Status: "active" }],
      AuthTokenEnabled: i % 3 !== 0,
      AuthTokenLastModifiedDate: "2026-06-01T00:00:00.000Z",
      TransitEncryptionEnabled: i % 4 !== 0,
      TransitEncryptionMode: i % 8 === 1 ? "preferred" : "required",
      AtRestEncryptionEnabled: i % 5 !== 0,
      LogDeliveryConfigurations: i % 2 === 0 ? [{ LogType: "engine-log", DestinationType: "cloudwatch-logs", Status: "active" }] : [],
      CacheClusterCreateTime: "2025-01-01T00:00:00.000Z",
      CacheSubnetGroupName: `jobs-cache-subnets-${(i + 1) % blocks}`,
    });
  }
  const cacheSubnetGroups: WireCacheSubnetGroup[] = [];
  for (let b = 0; b < blocks; b++) {
    cacheSubnetGroups.push({
      CacheSubnetGroupName: `jobs-cache-subnets-${b}`,
      CacheSubnetGroupDescription: "synthetic",
      VpcId: VPC,
      Subnets: subnetPair(b).map((SubnetIdentifier) => ({ SubnetIdentifier })),
      ARN: `arn:aws:elasticache:${region}:${account}:subnetgroup:jobs-cache-subnets-${b}`,
    });
  }
  const network = networkPath(blocks, account, region);
  const parameters: Record<string, { ok: true; value: WireParameter[] }> = {};
  for (let g = 0; g < 10; g++) {
    parameters[`queue-pg-${g}`] = {
      ok: true,
      value: [
        {
          ParameterName: "rds.force_ssl",
          ...(g % 2 === 0 ? { ParameterValue: "1" } : {}),
          Source: "user",
          ApplyType: "dynamic",
          DataType: "boolean",
        },
        {
          ParameterName: "log_connections",
          ParameterValue: g % 3 === 0 ? "0" : "1",
          Source: "user",
          ApplyType: "dynamic",
          DataType: "boolean",
        },
      ],
    };
  }
  const partition: InventoryPartition = {
    account,
    region,
    origin: { kind: "offline", dir: "synthetic" },
    capturedAt: "2026-11-25T00:00:00.000Z",
    securityGroups: { ok: true, value: groups },
    prefixListEntries: { "pl-0000000000000a001": { ok: true, value: [{ Cidr: "10.20.0.0/24" }, { Cidr: "203.0.113.0/24" }] } },
    dbInstances: { ok: true, value: instances },
    dbClusters: { ok: true, value: [] },
    dbParameters: parameters,
    dbClusterParameters: {},
    replicationGroups: { ok: true, value: [] },
    cacheClusters: { ok: true, value: clusters },
    serverlessCaches: { ok: true, value: [] },
    userGroups: { ok: true, value: [] },
    users: { ok: true, value: [] },
    cacheTags: Object.fromEntries(
      clusters.map((c) => [c.CacheClusterId ?? "", { ok: true as const, value: [{ Key: "queue-backend", Value: "delayed_job" }] }]),
    ),
    secrets: {},
    subnets: { ok: true, value: network.subnets },
    routeTables: { ok: true, value: network.routeTables },
    networkAcls: { ok: true, value: network.networkAcls },
    cacheSubnetGroups: { ok: true, value: cacheSubnetGroups },
  };
  const config = parseConfig(
    {
      version: 1,
      targets: { tag: { key: "queue-backend", value: "delayed_job" } },
      network: { allowedCidrs: ["10.20.0.0/16"], allowedSecurityGroups: [sgId(1)] },
    },
    "synthetic.yaml",
  );
  return { config, inventory: { partitions: [partition] } };
}

/** Writes an estate as the offline inventory layout (AWS CLI JSON), for reading and parsing benchmarks. */
export async function writeEstate(dir: string, estate: Estate): Promise<void> {
  const [p] = estate.inventory.partitions;
  if (!p) throw new Error("the estate has no partition");
  const value = <T>(o: { ok: true; value: T } | { ok: false }): T => {
    if (!o.ok) throw new Error("synthetic estates observe everything");
    return o.value;
  };
  await mkdir(join(dir, INVENTORY_FILES.dbParameters), { recursive: true });
  await mkdir(join(dir, INVENTORY_FILES.prefixListEntries), { recursive: true });
  await mkdir(join(dir, INVENTORY_FILES.cacheTags), { recursive: true });
  const write = (name: string, data: unknown) => writeFile(join(dir, name), JSON.stringify(data, null, 4));
  await write(INVENTORY_FILES.meta, { capturedAt: p.capturedAt, account: p.account, region: p.region });
  await write(INVENTORY_FILES.securityGroups, { SecurityGroups: value(p.securityGroups) });
  await write(INVENTORY_FILES.dbInstances, { DBInstances: value(p.dbInstances) });
  await write(INVENTORY_FILES.dbClusters, { DBClusters: value(p.dbClusters) });
  await write(INVENTORY_FILES.replicationGroups, { ReplicationGroups: value(p.replicationGroups) });
  await write(INVENTORY_FILES.cacheClusters, { CacheClusters: value(p.cacheClusters) });
  await write(INVENTORY_FILES.serverlessCaches, { ServerlessCaches: value(p.serverlessCaches) });
  await write(INVENTORY_FILES.userGroups, { UserGroups: value(p.userGroups) });
  await write(INVENTORY_FILES.users, { Users: value(p.users) });
  const network = <T>(o: { ok: true; value: T } | { ok: false } | undefined): T => {
    if (!o) throw new Error("synthetic estates carry their network path");
    return value(o);
  };
  await write(INVENTORY_FILES.subnets, { Subnets: network(p.subnets) });
  await write(INVENTORY_FILES.routeTables, { RouteTables: network(p.routeTables) });
  await write(INVENTORY_FILES.networkAcls, { NetworkAcls: network(p.networkAcls) });
  await write(INVENTORY_FILES.cacheSubnetGroups, { CacheSubnetGroups: network(p.cacheSubnetGroups) });
  for (const [name, params] of Object.entries(p.dbParameters))
    await write(`${INVENTORY_FILES.dbParameters}/${name}.json`, { Parameters: value(params) });
  for (const [id, entries] of Object.entries(p.prefixListEntries))
    await write(`${INVENTORY_FILES.prefixListEntries}/${id}.json`, { Entries: value(entries) });
  for (const [id, tags] of Object.entries(p.cacheTags)) await write(`${INVENTORY_FILES.cacheTags}/${id}.json`, { TagList: value(tags) });
}
