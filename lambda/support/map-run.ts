/**
 * The outcome of every partition of a Distributed Map collect run, read from S3: the items
 * the discovery step wrote, and the ResultWriter's manifest.json with its SUCCEEDED and
 * FAILED files (each entry a child execution with its Input and Output, or its Error and
 * Cause, as JSON strings). A child that succeeded returns an artifact key or, through its
 * Catch, a failure marker; a child that failed (a timeout, a runtime error the Catch could
 * not take) becomes a failure marker here; an item without any result (a Map Run stopped
 * part-way) becomes one too. So every discovered partition is either collected or an ERROR
 * finding: the Map's tolerated failures never leave a gap.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { CollectOutcome, CollectRun, DiscoveredItem, S3Location } from "./contract.js";

/** One child execution as the ResultWriter exports it (Transformation NONE, the default with an S3 export). */
export interface ChildExecution {
  Status?: string;
  Input?: string;
  Output?: string;
  Error?: string;
  Cause?: string;
}

interface Manifest {
  ResultFiles?: Partial<Record<"SUCCEEDED" | "FAILED" | "PENDING", { Key?: string }[]>>;
}

export class MapRunError extends Error {
  override name = "MapRunError";
}

/** The error name of a partition the Map Run left without any result. */
export const NO_RESULT = "QueueAuditor.NoMapResult";

const where = (account: string, region: string) => `${account}/${region}`;

function parse(text: string | undefined, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text ?? "") as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new MapRunError(`${what}: expected a JSON object, got ${JSON.stringify((text ?? "").slice(0, 80))}`);
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** Pure: every item's outcome, in the items' order (then any result no item asked for). */
export function mapRunOutcomes(items: readonly DiscoveredItem[], succeeded: ChildExecution[], failed: ChildExecution[]): CollectOutcome[] {
  const outcomes = new Map<string, CollectOutcome>();
  for (const child of failed) {
    const input = parse(child.Input, "a failed child execution's Input");
    const account = str(input.account);
    const region = str(input.region);
    outcomes.set(where(account, region), {
      account,
      region,
      accountListed: input.accountListed === true,
      failed: true,
      error: child.Error ?? "States.ChildExecutionFailed",
      cause: child.Cause ?? "",
    });
  }
  // A success wins over a failure of the same partition (a redriven child).
  for (const child of succeeded) {
    const output = parse(child.Output, "a child execution's Output");
    const account = str(output.account);
    const region = str(output.region);
    if (output.failed === true) {
      outcomes.set(where(account, region), {
        account,
        region,
        accountListed: output.accountListed === true,
        failed: true,
        error: str(output.error),
        cause: str(output.cause),
      });
    } else if (typeof output.key === "string") {
      outcomes.set(where(account, region), { account, region, key: output.key });
    } else {
      throw new MapRunError(`the child execution of ${where(account, region)} returned neither an artifact key nor a failure marker`);
    }
  }
  const ordered: CollectOutcome[] = [];
  for (const item of items) {
    const id = where(item.account, item.region);
    const outcome = outcomes.get(id);
    outcomes.delete(id);
    ordered.push(
      outcome ?? {
        account: item.account,
        region: item.region,
        accountListed: item.accountListed,
        failed: true,
        error: NO_RESULT,
        cause: "the Distributed Map recorded no result for this partition (its Map Run stopped before the partition ran)",
      },
    );
  }
  return [...ordered, ...outcomes.values()];
}

async function readJson(s3: S3Client, at: S3Location): Promise<unknown> {
  const out = await s3.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
  const text = await out.Body?.transformToString("utf8");
  if (text === undefined) throw new MapRunError(`s3://${at.bucket}/${at.key}: empty response`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MapRunError(`s3://${at.bucket}/${at.key}: not JSON`);
  }
}

async function children(s3: S3Client, bucket: string, files: { Key?: string }[] | undefined): Promise<ChildExecution[]> {
  const all = await Promise.all(
    (files ?? []).map(async (f) => {
      if (!f.Key) throw new MapRunError("manifest.json: a result file without a Key");
      const body = await readJson(s3, { bucket, key: f.Key });
      if (!Array.isArray(body)) throw new MapRunError(`s3://${bucket}/${f.Key}: expected a JSON array of child executions`);
      return body as ChildExecution[];
    }),
  );
  return all.flat();
}

/** Reads the items and the Map Run's results; the results files are in the manifest's bucket. */
export async function readCollectRun(s3: S3Client, run: CollectRun): Promise<CollectOutcome[]> {
  const [items, manifest] = await Promise.all([readJson(s3, run.items), readJson(s3, run.manifest)]);
  if (!Array.isArray(items)) throw new MapRunError(`s3://${run.items.bucket}/${run.items.key}: expected the discovered partitions`);
  const files = (manifest as Manifest).ResultFiles ?? {};
  const [succeeded, failed] = await Promise.all([
    children(s3, run.manifest.bucket, files.SUCCEEDED),
    children(s3, run.manifest.bucket, files.FAILED),
  ]);
  return mapRunOutcomes(items as DiscoveredItem[], succeeded, failed);
}
