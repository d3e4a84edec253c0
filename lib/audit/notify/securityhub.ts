/**
 * Security Hub: where findings are imported (the account and region of the credentials,
 * whose custom-integration default product takes them) and the import itself —
 * BatchImportFindings in batches of at most 100 findings (and 6 MB), paced by a token
 * bucket under the API's 10 requests per second per account and region, with capped
 * exponential backoff (full jitter) when throttled or on a server error, and the findings
 * Security Hub reports in FailedFindings sent again a bounded number of times. Nothing is
 * dropped silently: every finding that was not imported comes back in the report with its
 * error code and message.
 *
 * The retries are this module's, so the client is made with `maxAttempts: 1`: the SDK's
 * own retries would multiply ours and spend the rate budget behind the bucket's back.
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandOutput,
  SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { UserError } from "../model/user-error.js";
import { asffBatches, type SecurityHubTarget } from "./asff-batches.js";

export type { SecurityHubTarget } from "./asff-batches.js";

/** A `--notify securityhub…` spec, or the account and region to import into, that cannot be used: exit 2 with the reason. */
export class SecurityHubTargetError extends UserError {
  override name = "SecurityHubTargetError";
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** `securityhub` (the credentials' region) or `securityhub:REGION`; anything else is not this spec. */
export function parseSecurityHubSpec(spec: string): { region?: string } | undefined {
  if (spec === "securityhub") return {};
  if (!spec.startsWith("securityhub:")) return undefined;
  const region = spec.slice("securityhub:".length);
  if (!REGION.test(region))
    throw new SecurityHubTargetError(`--notify ${spec}: expected securityhub or securityhub:REGION such as securityhub:eu-west-1`);
  return { region };
}

/** The target of a deployed stack: the product ARN it was granted (`arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`). */
export function targetFromProductArn(arn: string): SecurityHubTarget {
  const m = /^arn:([a-z-]+):securityhub:([a-z0-9-]+):(\d{12}):product\/(\d{12})\/default$/.exec(arn);
  if (!m || m[3] !== m[4]) throw new Error(`not the default product ARN of a custom Security Hub integration: ${arn}`);
  return { partition: m[1] as string, region: m[2] as string, account: m[3] as string };
}

export interface TargetDeps {
  sts?: (region: string) => STSClient;
  /** The region of the SDK's default chain (AWS_REGION, the profile), when the spec names none. */
  defaultRegion?: () => Promise<string | undefined>;
}

/**
 * Findings go to the account of the credentials (Security Hub accepts a default-product
 * finding only from the account in its AwsAccountId) in the spec's region or the SDK's.
 */
export async function resolveSecurityHubTarget(spec: { region?: string }, deps: TargetDeps = {}): Promise<SecurityHubTarget> {
  const region =
    spec.region ??
    (await (deps.defaultRegion ?? (() => new SecurityHubClient({}).config.region().catch(() => undefined)))().catch(() => undefined));
  if (!region) {
    throw new SecurityHubTargetError("Security Hub: no region: pass securityhub:REGION or set AWS_REGION (or a profile's region)");
  }
  const sts = deps.sts?.(region) ?? new STSClient({ region });
  let identity: { Account?: string; Arn?: string };
  try {
    identity = await sts.send(new GetCallerIdentityCommand({}));
  } catch (err) {
    const e = err as { name?: string; message?: string };
    throw new SecurityHubTargetError(
      `Security Hub: the account to import into comes from your AWS credentials, and sts:GetCallerIdentity failed (${e.name ?? "Error"}: ${String(e.message).split("\n")[0]})`,
    );
  }
  const partition = identity.Arn?.split(":")[1];
  if (!identity.Account || !partition) throw new SecurityHubTargetError("Security Hub: sts:GetCallerIdentity returned no account");
  return { partition, account: identity.Account, region };
}

/** A finding Security Hub did not take (or that was never sent because the import stopped). */
export interface FailedImport {
  id: string;
  errorCode: string;
  errorMessage: string;
}

export interface ImportReport {
  /** Findings handed to the import. */
  findings: number;
  imported: number;
  failed: FailedImport[];
  /** BatchImportFindings requests made, retries included. */
  requests: number;
  /** Requests refused for the rate (ThrottlingException, TooManyRequestsException, 429). */
  throttled: number;
}

export interface ImportOptions {
  /** Sustained requests per second (the API allows 10 per account and region). */
  ratePerSecond?: number;
  /** Requests allowed at once before pacing starts (the API's burst is 30; we stay at 10). */
  burst?: number;
  /** Attempts of one request when throttled or on a server error. */
  requestAttempts?: number;
  /** Further rounds for the findings reported in FailedFindings (other than InvalidInput). */
  failedFindingRetries?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Clock in milliseconds and sleep: tests pass a fake pair. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const DEFAULTS = {
  ratePerSecond: 10,
  burst: 10,
  requestAttempts: 6,
  failedFindingRetries: 2,
  baseBackoffMs: 250,
  maxBackoffMs: 8000,
};

/** Codes that no retry can fix: the finding itself is not valid ASFF. */
const PERMANENT_CODES = new Set(["InvalidInput"]);

const THROTTLE_NAMES = new Set(["ThrottlingException", "TooManyRequestsException", "LimitExceededException", "Throttling"]);

function isThrottle(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  return THROTTLE_NAMES.has(e.name ?? "") || e.$metadata?.httpStatusCode === 429 || e.$retryable?.throttling === true;
}

function isServerError(err: unknown): boolean {
  const e = err as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "InternalException" || e.$fault === "server" || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/** A token bucket: `burst` requests at once, then `rate` per second. */
class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = burst;
    this.last = now();
  }
  async take(): Promise<void> {
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
    }
  }
}

/** Why a request failed for good, in one line without the SDK's stack. */
function errorLine(err: unknown): { code: string; message: string } {
  const e = err as { name?: string; message?: string; Code?: string };
  return { code: e.name ?? e.Code ?? "Error", message: String(e.message ?? err).split("\n")[0] ?? "" };
}

export function securityHubClientFor(region: string): SecurityHubClient {
  return new SecurityHubClient({ region, maxAttempts: 1 });
}

/**
 * Imports the findings. Never throws for what Security Hub refused: the report lists every
 * finding that was not imported. A request refused for good (access denied, Security Hub
 * not enabled) stops the import, and the findings not yet sent are reported with its error.
 */
export async function importFindings(
  client: SecurityHubClient,
  findings: readonly AwsSecurityFinding[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const o = { ...DEFAULTS, ...options };
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)));
  const random = options.random ?? Math.random;
  const bucket = new TokenBucket(o.ratePerSecond, o.burst, now, sleep);
  const report: ImportReport = { findings: findings.length, imported: 0, failed: [], requests: 0, throttled: 0 };
  const failures = new Map<string, FailedImport>();

  /** One request, retried while throttled or on a server error; throws the last error when it gives up. */
  const send = async (batch: AwsSecurityFinding[]): Promise<BatchImportFindingsCommandOutput> => {
    for (let attempt = 1; ; attempt++) {
      await bucket.take();
      report.requests++;
      try {
        return await client.send(new BatchImportFindingsCommand({ Findings: batch }));
      } catch (err) {
        const throttled = isThrottle(err);
        if (throttled) report.throttled++;
        if (!(throttled || isServerError(err)) || attempt >= o.requestAttempts) throw err;
        await sleep(Math.floor(random() * Math.min(o.maxBackoffMs, o.baseBackoffMs * 2 ** (attempt - 1))));
      }
    }
  };

  let pending: AwsSecurityFinding[] = [...findings];
  for (let round = 0; round <= o.failedFindingRetries && pending.length > 0; round++) {
    const retry: AwsSecurityFinding[] = [];
    const batches = asffBatches(pending);
    for (const [i, batch] of batches.entries()) {
      for (const f of batch) failures.delete(f.Id as string);
      let out: BatchImportFindingsCommandOutput;
      try {
        out = await send(batch);
      } catch (err) {
        const { code, message } = errorLine(err);
        for (const f of batches.slice(i).flat())
          failures.set(f.Id as string, { id: f.Id as string, errorCode: code, errorMessage: message });
        report.failed = [...failures.values()];
        return report;
      }
      report.imported += out.SuccessCount ?? 0;
      const byId = new Map(batch.map((f) => [f.Id as string, f]));
      for (const failed of out.FailedFindings ?? []) {
        const id = failed.Id ?? "(no id)";
        failures.set(id, { id, errorCode: failed.ErrorCode ?? "Unknown", errorMessage: failed.ErrorMessage ?? "" });
        const finding = byId.get(id);
        if (finding && !PERMANENT_CODES.has(failed.ErrorCode ?? "")) retry.push(finding);
      }
      // A FailedCount the list does not account for: those findings cannot be named, but are counted.
      const unnamed = (out.FailedCount ?? 0) - (out.FailedFindings?.length ?? 0);
      if (unnamed > 0) {
        failures.set(`(${unnamed} unnamed in request ${report.requests})`, {
          id: `(${unnamed} unnamed in request ${report.requests})`,
          errorCode: "FailedCount",
          errorMessage: `Security Hub counted ${unnamed} more failed findings than it listed`,
        });
      }
    }
    pending = retry;
  }
  report.failed = [...failures.values()];
  return report;
}

/** The error a run reports when findings were not imported: counts and the first reasons, one line. */
export class SecurityHubImportError extends Error {
  override name = "SecurityHubImportError";
  constructor(readonly report: ImportReport) {
    const codes = new Map<string, number>();
    for (const f of report.failed) codes.set(f.errorCode, (codes.get(f.errorCode) ?? 0) + 1);
    const first = report.failed[0];
    super(
      `${report.failed.length} of ${report.findings} findings not imported into Security Hub (${[...codes].map(([c, n]) => `${c} ×${n}`).join(", ")})` +
        (first ? `; first: ${first.id}: ${first.errorMessage}` : ""),
    );
  }
}

/** Where a run's findings are imported, and the import: what a notifier carries for Security Hub. */
export interface SecurityHubSink {
  readonly description: string;
  /** The account and region imported into (resolved once). */
  target(): Promise<SecurityHubTarget>;
  import(findings: readonly AwsSecurityFinding[]): Promise<ImportReport>;
}

export interface SinkDeps extends TargetDeps {
  client?: (region: string) => SecurityHubClient;
  options?: ImportOptions;
}

/** A sink for `--notify securityhub[:REGION]`: the account of the credentials, resolved at the first use. */
export function securityHubSink(spec: { region?: string }, deps: SinkDeps = {}): SecurityHubSink {
  let target: Promise<SecurityHubTarget> | undefined;
  let client: SecurityHubClient | undefined;
  const resolve = () => {
    target ??= resolveSecurityHubTarget(spec, deps);
    return target;
  };
  return {
    description: spec.region ? `securityhub:${spec.region}` : "securityhub",
    target: resolve,
    async import(findings) {
      const { region } = await resolve();
      client ??= (deps.client ?? securityHubClientFor)(region);
      return importFindings(client, findings, deps.options);
    },
  };
}

/** A sink for a known product (the deployed stack passes the ARN it was granted). */
export function securityHubSinkFor(target: SecurityHubTarget, client: SecurityHubClient, options?: ImportOptions): SecurityHubSink {
  return {
    description: `securityhub:${target.region}`,
    target: async () => target,
    import: (findings) => importFindings(client, findings, options),
  };
}
