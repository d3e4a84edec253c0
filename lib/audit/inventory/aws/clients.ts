/**
 * SDK clients for one account × region, all configured the same way: adaptive retry for
 * throttling, and a timeout on every request so a hung endpoint cannot stall the audit.
 */
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeRegionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { RDSClient } from "@aws-sdk/client-rds";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { UserError } from "../../model/user-error.js";

export type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface AwsDeps {
  /** Base credentials; default: the SDK's default credential chain. */
  credentials?: Credentials;
  /** The region used when the config names none; default: the SDK's default region chain. */
  defaultRegion?: string;
  /** Concurrent API calls across the whole collection (default 8). */
  concurrency?: number;
  /** Attempts per call, the first included (default 5). */
  maxAttempts?: number;
  /** Per-request timeout in ms (default 30 000); connection timeout in ms (default 5 000). */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Replaces the HTTP handler (tests drive the SDK's real retry with canned HTTP responses). */
  requestHandler?: unknown;
  /** The collection clock (capturedAt). */
  now?: () => Date;
  /** One-line notes for the person running it (accounts of an Organization that were skipped, and why). */
  note?: (message: string) => void;
  /** Start of the log period: the previous run's start, when the caller knows it (else `logs.lookbackMinutes`). */
  logsSince?: Date;
  /** Keep the raw log events (snapshot writes them); the audit keeps only their counts. */
  keepLogEvents?: boolean;
  /**
   * Builds each SDK client from its class and config (default: `new Client(config)`). The
   * Organization bench passes in-process fake clients that implement `send` for the SDK's
   * command objects, so it measures this collector, not the SDK's middleware.
   */
  makeClient?: ClientMaker;
}

export type ClientConfig = ReturnType<typeof clientConfig>;
export type ClientMaker = <C>(Client: new (config: ClientConfig) => C, config: ClientConfig) => C;

function make<C>(deps: AwsDeps, Client: new (config: ClientConfig) => C, config: ClientConfig): C {
  return deps.makeClient ? deps.makeClient(Client, config) : new Client(config);
}

export const DEFAULT_CONCURRENCY = 8;

export function clientConfig(region: string, credentials: Credentials | undefined, deps: AwsDeps) {
  return {
    region,
    ...(credentials ? { credentials } : {}),
    retryMode: "adaptive",
    maxAttempts: deps.maxAttempts ?? 5,
    // The object form keeps us off @smithy/node-http-handler, which is only a transitive dependency.
    requestHandler: (deps.requestHandler ?? {
      connectionTimeout: deps.connectionTimeoutMs ?? 5_000,
      requestTimeout: deps.requestTimeoutMs ?? 30_000,
      // Without this, the SDK only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    }) as Record<string, unknown>,
  };
}

export interface PartitionClients {
  ec2: EC2Client;
  rds: RDSClient;
  elasticache: ElastiCacheClient;
  secrets: SecretsManagerClient;
  cloudtrail: CloudTrailClient;
  logs: CloudWatchLogsClient;
}

/**
 * The partition's clients, each made on first use: an account with nothing in scope never
 * needs EC2 or Secrets Manager, and across an Organization's thousands of partitions the
 * clients nobody calls are most of the collection's CPU and garbage.
 */
export function partitionClients(region: string, credentials: Credentials | undefined, deps: AwsDeps): PartitionClients {
  const config = clientConfig(region, credentials, deps);
  const made: Partial<PartitionClients> = {};
  const lazy = <K extends keyof PartitionClients>(key: K, make: () => PartitionClients[K]) => ({
    get: () => {
      made[key] ??= make();
      return made[key] as PartitionClients[K];
    },
    enumerable: true,
  });
  const clients = Object.defineProperties({} as PartitionClients, {
    ec2: lazy("ec2", () => make(deps, EC2Client, config)),
    rds: lazy("rds", () => make(deps, RDSClient, config)),
    elasticache: lazy("elasticache", () => make(deps, ElastiCacheClient, config)),
    secrets: lazy("secrets", () => make(deps, SecretsManagerClient, config)),
    cloudtrail: lazy("cloudtrail", () => make(deps, CloudTrailClient, config)),
    logs: lazy("logs", () => make(deps, CloudWatchLogsClient, config)),
  });
  CREATED.set(clients, made);
  return clients;
}

const CREATED = new WeakMap<PartitionClients, Partial<PartitionClients>>();

/** Destroys the clients that were made (an untouched one never was). */
export function destroyClients(clients: PartitionClients): void {
  for (const client of Object.values(CREATED.get(clients) ?? {})) client?.destroy();
}

export function stsClient(region: string, credentials: Credentials | undefined, deps: AwsDeps): STSClient {
  return make(deps, STSClient, clientConfig(region, credentials, deps));
}

export class NoRegionError extends UserError {
  override name = "NoRegionError";
}

/**
 * The region the collection starts from: STS, Organizations and, for `regions: all`,
 * ec2:DescribeRegions are called there. The first listed region, else the SDK's default
 * region (AWS_REGION, the profile's region).
 */
export async function homeRegion(configured: readonly string[] | "all" | undefined, deps: AwsDeps): Promise<string> {
  if (Array.isArray(configured) && configured.length > 0) return configured[0] as string;
  if (deps.defaultRegion) return deps.defaultRegion;
  const probe = new STSClient({});
  try {
    const region = await probe.config.region();
    if (region) return region;
  } catch {
    // no region anywhere in the chain: reported below
  } finally {
    probe.destroy();
  }
  throw new NoRegionError(
    configured === "all"
      ? "no AWS region to list the enabled regions from: set AWS_REGION or a profile region (aws.regions is all)"
      : "no AWS region: set aws.regions in the config, or AWS_REGION / a profile region",
  );
}

/** config.aws.regions when it is a list, else the home region alone. */
export async function collectionRegions(configured: readonly string[] | "all" | undefined, deps: AwsDeps): Promise<string[]> {
  if (Array.isArray(configured) && configured.length > 0) return [...configured];
  return [await homeRegion(configured, deps)];
}

export function organizationsClient(region: string, credentials: Credentials | undefined, deps: AwsDeps): OrganizationsClient {
  return make(deps, OrganizationsClient, clientConfig(region, credentials, deps));
}

/**
 * The regions enabled in an account (`regions: all`): ec2:DescribeRegions without
 * AllRegions lists exactly those (opted-in and enabled by default), sorted for a stable order.
 */
export async function enabledRegions(region: string, credentials: Credentials | undefined, deps: AwsDeps): Promise<string[]> {
  const ec2 = make(deps, EC2Client, clientConfig(region, credentials, deps));
  try {
    const out = await ec2.send(new DescribeRegionsCommand({}));
    return (out.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
  } finally {
    ec2.destroy();
  }
}
