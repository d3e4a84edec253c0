/**
 * Resolves a password source of the config ({ env } | { secret } | { iam }) into the
 * secret value, at the last moment and only in memory. Values never reach a log, an
 * error message or a finding: errors name the source, never the value.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { secretIdIn, type TargetLocation } from "../config/location.js";
import type { PasswordSource } from "../config/schema.js";

export class CredentialError extends Error {
  override name = "CredentialError";
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface CredentialDeps {
  env?: NodeJS.ProcessEnv;
  secretsManager?: (region: string | undefined) => SecretsManagerClient;
  /** Makes an RDS IAM auth token for { iam: true }. */
  iamToken?: (params: { host: string; port: number; user: string }) => Promise<string>;
}

export interface ResolveContext {
  host: string;
  port: number;
  user: string;
  /** Where the target lives: a secret given by name is looked up in that account and region. */
  location?: TargetLocation;
}

/** The region of a secret ARN, else undefined (the SDK's default region applies). */
export function secretRegion(nameOrArn: string): string | undefined {
  const match = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(nameOrArn);
  return match?.[1];
}

/**
 * A secret's value as a password: the `password` field of a JSON secret (the shape RDS
 * and ElastiCache rotation use), else the whole SecretString.
 */
export function passwordFromSecretString(secretString: string): string {
  try {
    const parsed: unknown = JSON.parse(secretString);
    if (parsed && typeof parsed === "object" && "password" in parsed && typeof parsed.password === "string") {
      return parsed.password;
    }
  } catch {
    // not JSON: the secret is the password itself
  }
  return secretString;
}

const defaultClients = new Map<string, SecretsManagerClient>();
function defaultSecretsManager(region: string | undefined): SecretsManagerClient {
  const key = region ?? "";
  let client = defaultClients.get(key);
  if (!client) {
    client = new SecretsManagerClient(region ? { region } : {});
    defaultClients.set(key, client);
  }
  return client;
}

export async function resolvePassword(source: PasswordSource, context: ResolveContext, deps: CredentialDeps = {}): Promise<string> {
  if ("env" in source) {
    const value = (deps.env ?? process.env)[source.env];
    if (value === undefined || value === "") {
      throw new CredentialError(`environment variable ${source.env} is not set`, "MissingEnv");
    }
    return value;
  }
  if ("secret" in source) {
    const where = context.location ?? {};
    const client = (deps.secretsManager ?? defaultSecretsManager)(secretRegion(source.secret) ?? where.region);
    try {
      // A name in another account is asked for by its ARN in that account and region (the client's when unset).
      const region = where.account && !where.region ? await client.config.region() : where.region;
      const secretId = secretIdIn(source.secret, { account: where.account, region });
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (out.SecretString === undefined) {
        throw new CredentialError(`secret ${source.secret} has no SecretString`, "NoSecretString");
      }
      return passwordFromSecretString(out.SecretString);
    } catch (err) {
      if (err instanceof CredentialError) throw err;
      const name = (err as { name?: string }).name ?? "Error";
      throw new CredentialError(
        `cannot read secret ${source.secret} (${name}${name === "AccessDeniedException" ? ": secretsmanager:GetSecretValue denied" : ""})`,
        name,
      );
    }
  }
  if (!deps.iamToken) {
    throw new CredentialError("IAM authentication was requested but no token signer is available", "NoSigner");
  }
  try {
    return await deps.iamToken(context);
  } catch (err) {
    const name = (err as { name?: string }).name ?? "Error";
    throw new CredentialError(`cannot create an RDS IAM auth token for ${context.user}@${context.host} (${name})`, name);
  }
}
