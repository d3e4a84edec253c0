/**
 * What a finding, a gap in scope or an observation error is about. Plain data, shared by
 * every stage from scope resolution to the reports.
 */

export const RESOURCE_TYPES = [
  "AWS::EC2::SecurityGroup",
  "AWS::RDS::DBInstance",
  "AWS::RDS::DBCluster",
  "AWS::ElastiCache::ReplicationGroup",
  "AWS::ElastiCache::CacheCluster",
  "AWS::ElastiCache::ServerlessCache",
  "AWS::SecretsManager::Secret",
  "PostgreSQL::Table",
  "PostgreSQL::Schema",
  "PostgreSQL::Database",
  "Redis::Endpoint",
  "Redis::User",
  "MySQL::Table",
  "MySQL::Server",
  "AWS::EC2::Subnet",
  "AWS::EC2::NetworkAcl",
  "AWS::EC2::RouteTable",
  "AWS::Logs::LogGroup",
  /** An account, judged per region (AWS Config's name for it): what a missing trail is about. */
  "AWS::::Account",
  /** What an `audit-error` is about: an account/region inventory or a config target. */
  "QueueAuditor::Source",
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface ResourceRef {
  type: ResourceType;
  /** The AWS identifier (GroupId, DBInstanceIdentifier, …) or TARGET[:SCHEMA[.TABLE]]. */
  id: string;
  arn?: string;
  account?: string;
  region?: string;
}
