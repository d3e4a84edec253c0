/**
 * The single-table layout (documented in docs/store.md). Every access pattern of
 * CONTRACTS.md is a Query on the table or one of three overloaded GSIs.
 *
 *   item        pk                 sk                    gsi1 (pk / sk)                  gsi2                               gsi3
 *   run         CHAIN              RUN#<seq:12>          RUNS / <startedAt>#<runId>      RUN#<runId> / RUN                  -
 *   chain head  CHAIN              HEAD                  -                               -                                  -
 *   finding     RUN#<runId>        F#<findingId>         -                               RES#<resourceId> / <at>#<runId>#<id>  CHECK#<checkId> / <at>#<runId>#<id>
 *   state       STATE#<shard>      F#<findingId>         OPEN / <openSince>#<id> (open)  -                                  -
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

export const TTL_ATTRIBUTE = "expiresAt";
export const GSI_RUNS_OPEN = "gsi1";
export const GSI_RUN_RESOURCE = "gsi2";
export const GSI_CHECK = "gsi3";

/** State items are spread over 16 partitions so a large run's state write is not one hot key. */
export const STATE_SHARDS = 16;

export const CHAIN_PK = "CHAIN";
export const HEAD_SK = "HEAD";
export const RUN_SK_PREFIX = "RUN#";
export const RUNS_GSI_PK = "RUNS";
export const OPEN_GSI_PK = "OPEN";

export const runSk = (seq: number) => `${RUN_SK_PREFIX}${String(seq).padStart(12, "0")}`;
export const runIdKey = (runId: string) => `RUN#${runId}`;
export const findingsPk = (runId: string) => `RUN#${runId}`;
export const findingSk = (findingId: string) => `F#${findingId}`;
export const resourceKey = (resourceId: string) => `RES#${resourceId}`;
export const checkKey = (checkId: string) => `CHECK#${checkId}`;

export function stateShard(findingId: string): number {
  let h = 0;
  for (let i = 0; i < findingId.length; i++) h = (h * 31 + findingId.charCodeAt(i)) >>> 0;
  return h % STATE_SHARDS;
}
export const statePk = (shard: number) => `STATE#${String(shard).padStart(2, "0")}`;

/** Timestamps in keys are normalised so they sort as strings. */
export function timeKey(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${iso}`);
  return new Date(ms).toISOString();
}

/** Everything a table needs; the CDK stack mirrors it (billing, PITR, KMS are its choice). */
export function createTableInput(tableName: string): CreateTableCommandInput & {
  TimeToLiveSpecification: { AttributeName: string; Enabled: true };
} {
  const keys = (pk: string, sk: string) => [
    { AttributeName: pk, KeyType: "HASH" as const },
    { AttributeName: sk, KeyType: "RANGE" as const },
  ];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk"].map((name) => ({
      AttributeName: name,
      AttributeType: "S" as const,
    })),
    KeySchema: keys("pk", "sk"),
    GlobalSecondaryIndexes: [
      { IndexName: GSI_RUNS_OPEN, KeySchema: keys("gsi1pk", "gsi1sk"), Projection: { ProjectionType: "ALL" } },
      { IndexName: GSI_RUN_RESOURCE, KeySchema: keys("gsi2pk", "gsi2sk"), Projection: { ProjectionType: "ALL" } },
      { IndexName: GSI_CHECK, KeySchema: keys("gsi3pk", "gsi3sk"), Projection: { ProjectionType: "ALL" } },
    ],
    TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
  };
}
