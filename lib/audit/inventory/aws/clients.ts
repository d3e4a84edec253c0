/**
 * SDK clients for one account × region, all configured the same way: adaptive retry for
 * throttling, and a timeout on every request so a hung endpoint cannot stall the audit.
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
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
}

export function partitionClients(region: string, credentials: Credentials | undefined, deps: AwsDeps): PartitionClients {
  const config = clientConfig(region, credentials, deps);
  return {
    ec2: new EC2Client(config),
    rds: new RDSClient(config),
    elasticache: new ElastiCacheClient(config),
    secrets: new SecretsManagerClient(config),
  };
}

export function destroyClients(clients: PartitionClients): void {
  for (const client of Object.values(clients)) client.destroy();
}

export function stsClient(region: string, credentials: Credentials | undefined, deps: AwsDeps): STSClient {
  return new STSClient(clientConfig(region, credentials, deps));
}

export class NoRegionError extends UserError {
  override name = "NoRegionError";
}

/** config.aws.regions, else the SDK's default region (AWS_REGION, the profile's region). */
export async function collectionRegions(configured: readonly string[] | undefined, deps: AwsDeps): Promise<string[]> {
  if (configured && configured.length > 0) return [...configured];
  if (deps.defaultRegion) return [deps.defaultRegion];
  const probe = new STSClient({});
  try {
    const region = await probe.config.region();
    if (region) return [region];
  } catch {
    // no region anywhere in the chain: reported below
  } finally {
    probe.destroy();
  }
  throw new NoRegionError("no AWS region: set aws.regions in the config, or AWS_REGION / a profile region");
}
