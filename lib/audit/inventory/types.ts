/**
 * The inventory: what the AWS collectors (live) or the offline reader (AWS CLI JSON
 * exports) observed, one partition per account × region. Values are the AWS SDK v3
 * shapes as they appear in JSON (timestamps are ISO strings), so a live collection, a
 * snapshot on disk and an AWS CLI export are the same data.
 */
import type { GetEventSelectorsResponse, GetTrailStatusResponse, Trail } from "@aws-sdk/client-cloudtrail";
import type { ManagedPrefixList, NetworkAcl, PrefixListEntry, RouteTable, SecurityGroup, Subnet } from "@aws-sdk/client-ec2";
import type {
  CacheCluster,
  CacheSubnetGroup,
  Tag as CacheTag,
  ReplicationGroup,
  ServerlessCache,
  User,
  UserGroup,
} from "@aws-sdk/client-elasticache";
import type { DBCluster, DBInstance, Parameter } from "@aws-sdk/client-rds";
import type { DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { ObservationError } from "../model/observation.js";
import type { LogGroupRead } from "./logs/types.js";

/** An SDK shape as JSON carries it: Dates become ISO strings, metadata is dropped. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T as K extends "$metadata" ? never : K]: Wire<T[K]> }
      : T;

/** Either the observed value, or why it could not be observed. Never a silent gap. */
export type Observed<T> = { ok: true; value: T } | { ok: false; error: ObservationError };

export type WireSecurityGroup = Wire<SecurityGroup>;
export type WirePrefixListEntry = Wire<PrefixListEntry>;
export type WireManagedPrefixList = Wire<ManagedPrefixList>;
export type WireDBInstance = Wire<DBInstance>;
export type WireDBCluster = Wire<DBCluster>;
export type WireParameter = Wire<Parameter>;
export type WireReplicationGroup = Wire<ReplicationGroup>;
export type WireCacheCluster = Wire<CacheCluster>;
export type WireServerlessCache = Wire<ServerlessCache>;
export type WireUserGroup = Wire<UserGroup>;
export type WireUser = Wire<User>;
export type WireCacheTag = Wire<CacheTag>;
export type WireSecret = Wire<DescribeSecretResponse>;
export type WireSubnet = Wire<Subnet>;
export type WireRouteTable = Wire<RouteTable>;
export type WireNetworkAcl = Wire<NetworkAcl>;
export type WireCacheSubnetGroup = Wire<CacheSubnetGroup>;
export type WireTrail = Wire<Trail>;
export type WireTrailStatus = Wire<GetTrailStatusResponse>;
export type WireEventSelectors = Wire<GetEventSelectorsResponse>;

/** One trail that applies to the partition's region (DescribeTrails), with its status and selectors. */
export interface TrailObservation {
  trail: WireTrail;
  status: Observed<WireTrailStatus>;
  selectors: Observed<WireEventSelectors>;
}

export type InventoryOrigin = { kind: "offline"; dir: string } | { kind: "live" };

export interface InventoryPartition {
  account: string;
  region: string;
  origin: InventoryOrigin;
  /** When the data was captured (meta.json `capturedAt`, or the live collection time). */
  capturedAt?: string;
  /**
   * Offline only: the partition's directory has no meta.json. The export script writes it
   * last, so without it the capture may not have finished (an ERROR for a configured pair).
   */
  withoutMeta?: true;
  securityGroups: Observed<WireSecurityGroup[]>;
  /** Prefix-list id -> entries. A missing key means the list was not captured. */
  prefixListEntries: Record<string, Observed<WirePrefixListEntry[]>>;
  dbInstances: Observed<WireDBInstance[]>;
  dbClusters: Observed<WireDBCluster[]>;
  /** DB parameter group name -> parameters. */
  dbParameters: Record<string, Observed<WireParameter[]>>;
  /** DB cluster parameter group name -> parameters. */
  dbClusterParameters: Record<string, Observed<WireParameter[]>>;
  replicationGroups: Observed<WireReplicationGroup[]>;
  cacheClusters: Observed<WireCacheCluster[]>;
  serverlessCaches: Observed<WireServerlessCache[]>;
  userGroups: Observed<WireUserGroup[]>;
  users: Observed<WireUser[]>;
  /** Replication group / cache cluster / serverless cache id -> its tags. */
  cacheTags: Record<string, Observed<WireCacheTag[]>>;
  /** Secret name -> DescribeSecret response. */
  secrets: Record<string, Observed<WireSecret>>;
  /*
   * The network path of the in-scope backends (see networkPart): their subnets, the route
   * tables and network ACLs of those subnets, and the cache subnet groups. Optional so a
   * partition recorded before they existed still reads; absent means not observed.
   */
  subnets?: Observed<WireSubnet[]>;
  routeTables?: Observed<WireRouteTable[]>;
  networkAcls?: Observed<WireNetworkAcl[]>;
  cacheSubnetGroups?: Observed<WireCacheSubnetGroup[]>;
  /**
   * The trails that log this region (the change trigger hears CloudTrail events only through
   * one). Absent: not collected (the config deploys no stack) or not in the offline inventory.
   */
  trails?: Observed<TrailObservation[]>;
  /**
   * Log group name -> what its events over the period said of access attempts (FilterLogEvents).
   * Optional: inventories made before logs were read have none (a missing key is not captured).
   */
  logEvents?: Record<string, Observed<LogGroupRead>>;
  /** Start of the period whose log events were read (ISO 8601; meta.json `logsSince` offline). */
  logsSince?: string;
}

/** The parts of a partition that describe the network path. */
export const NETWORK_FIELDS = ["subnets", "routeTables", "networkAcls", "cacheSubnetGroups"] as const;
export type NetworkField = (typeof NETWORK_FIELDS)[number];

export interface Inventory {
  partitions: InventoryPartition[];
  /** The run needed no AWS data and read none: whether it covers the configured accounts and regions is not judged. */
  notRead?: true;
}

/** Where each piece of a partition comes from, for error messages (offline file names). */
export const INVENTORY_FILES = {
  meta: "meta.json",
  securityGroups: "ec2-describe-security-groups.json",
  prefixListEntries: "ec2-get-managed-prefix-list-entries",
  dbInstances: "rds-describe-db-instances.json",
  dbClusters: "rds-describe-db-clusters.json",
  dbParameters: "rds-describe-db-parameters",
  dbClusterParameters: "rds-describe-db-cluster-parameters",
  replicationGroups: "elasticache-describe-replication-groups.json",
  cacheClusters: "elasticache-describe-cache-clusters.json",
  serverlessCaches: "elasticache-describe-serverless-caches.json",
  userGroups: "elasticache-describe-user-groups.json",
  users: "elasticache-describe-users.json",
  cacheTags: "elasticache-list-tags-for-resource",
  secrets: "secretsmanager-describe-secret",
  subnets: "ec2-describe-subnets.json",
  routeTables: "ec2-describe-route-tables.json",
  networkAcls: "ec2-describe-network-acls.json",
  cacheSubnetGroups: "elasticache-describe-cache-subnet-groups.json",
  trails: "cloudtrail-describe-trails.json",
  trailStatus: "cloudtrail-get-trail-status",
  eventSelectors: "cloudtrail-get-event-selectors",
  logEvents: "logs-filter-log-events",
} as const;

/** File name of a secret's DescribeSecret export (or a log group's events): '/' in the name becomes '__'. */
export function secretFileName(name: string): string {
  return `${name.replaceAll("/", "__")}.json`;
}

/** Keyed parts whose keys are names holding '/' (secrets, log groups): their files are named by secretFileName. */
const NAMED_BY_SLASHES: ReadonlySet<string> = new Set(["secrets", "logEvents"]);
const keyFile = (field: PartitionField, key: string) => (NAMED_BY_SLASHES.has(field) ? secretFileName(key) : `${key}.json`);

export type PartitionField = Exclude<keyof typeof INVENTORY_FILES, "meta">;

/** The AWS API call behind each part of a partition (IAM action names). */
export const INVENTORY_CALLS: Record<PartitionField, string> = {
  securityGroups: "ec2:DescribeSecurityGroups",
  prefixListEntries: "ec2:GetManagedPrefixListEntries",
  dbInstances: "rds:DescribeDBInstances",
  dbClusters: "rds:DescribeDBClusters",
  dbParameters: "rds:DescribeDBParameters",
  dbClusterParameters: "rds:DescribeDBClusterParameters",
  replicationGroups: "elasticache:DescribeReplicationGroups",
  cacheClusters: "elasticache:DescribeCacheClusters",
  serverlessCaches: "elasticache:DescribeServerlessCaches",
  userGroups: "elasticache:DescribeUserGroups",
  users: "elasticache:DescribeUsers",
  cacheTags: "elasticache:ListTagsForResource",
  secrets: "secretsmanager:DescribeSecret",
  subnets: "ec2:DescribeSubnets",
  routeTables: "ec2:DescribeRouteTables",
  networkAcls: "ec2:DescribeNetworkAcls",
  cacheSubnetGroups: "elasticache:DescribeCacheSubnetGroups",
  trails: "cloudtrail:DescribeTrails",
  trailStatus: "cloudtrail:GetTrailStatus",
  eventSelectors: "cloudtrail:GetEventSelectors",
  logEvents: "logs:FilterLogEvents",
};

/** Names what a part of a partition came from: the offline file, or the API call. */
export function sourceOf(partition: Pick<InventoryPartition, "origin">, field: PartitionField, key?: string): string {
  if (partition.origin.kind === "live") return key === undefined ? INVENTORY_CALLS[field] : `${INVENTORY_CALLS[field]} ${key}`;
  const name = INVENTORY_FILES[field];
  if (key === undefined) return `${partition.origin.dir}/${name}`;
  return `${partition.origin.dir}/${name}/${keyFile(field, key)}`;
}

/** The stable name of an offline file (its path inside the partition), or undefined for live API calls. */
export function refOf(partition: Pick<InventoryPartition, "origin">, field: PartitionField, key?: string): string | undefined {
  if (partition.origin.kind === "live") return undefined;
  const name = INVENTORY_FILES[field];
  if (key === undefined) return name;
  return `${name}/${keyFile(field, key)}`;
}

/** A keyed part of a partition (parameters, prefix lists, tags, secrets); a missing key was not captured. */
export function observedEntry<
  F extends "prefixListEntries" | "dbParameters" | "dbClusterParameters" | "cacheTags" | "secrets" | "logEvents",
>(partition: InventoryPartition, field: F, key: string): NonNullable<InventoryPartition[F]>[string] {
  const entry = partition[field]?.[key];
  if (entry) return entry as NonNullable<InventoryPartition[F]>[string];
  return {
    ok: false,
    error: {
      source: sourceOf(partition, field, key),
      ...(partition.origin.kind === "offline" ? { ref: refOf(partition, field, key) } : {}),
      reason: partition.origin.kind === "offline" ? "the file is missing from the inventory" : "it was not collected",
      code: "NotCaptured",
      account: partition.account,
      region: partition.region,
    },
  } as NonNullable<InventoryPartition[F]>[string];
}

/** A network part of a partition; one that was never recorded is not observed, never empty. */
export function networkPart<F extends NetworkField>(partition: InventoryPartition, field: F): NonNullable<InventoryPartition[F]> {
  const part = partition[field];
  if (part) return part as NonNullable<InventoryPartition[F]>;
  return {
    ok: false,
    error: {
      source: sourceOf(partition, field),
      ...(partition.origin.kind === "offline" ? { ref: refOf(partition, field) } : {}),
      reason: partition.origin.kind === "offline" ? "the file is missing from the inventory" : "it was not collected",
      code: "NotCaptured",
      account: partition.account,
      region: partition.region,
    },
  } as NonNullable<InventoryPartition[F]>;
}
