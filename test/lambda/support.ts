/**
 * A DynamoDB for the handlers: dynalite on a free loopback port, reached through the SDK's
 * own endpoint variable (AWS_ENDPOINT_URL_DYNAMODB), so the handlers' module-scope clients
 * are used as deployed. Other AWS clients are mocked per test with aws-sdk-client-mock.
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { ENV } from "../../lambda/support/contract.js";
import { loadConfig } from "../../lib/audit/config/load.js";
import type { Config } from "../../lib/audit/config/schema.js";
import type { PostgresObservation } from "../../lib/audit/probes/postgres/types.js";
import { type LocalDynamo, startLocalDynamo } from "../../lib/audit/store/local.js";
import { ensureTable } from "../../lib/audit/store/open.js";
import { encodeConfig } from "../../lib/infra/config.js";

export interface LambdaEnv {
  dynamo: LocalDynamo;
  artifactsTable: string;
  storeTable: string;
  close(): Promise<void>;
}

let counter = 0;

export async function startLambdaEnv(config: Config): Promise<LambdaEnv> {
  const dynamo = await startLocalDynamo(undefined);
  const suffix = `${process.pid}-${++counter}`;
  const artifactsTable = `artifacts-${suffix}`;
  const storeTable = `evidence-${suffix}`;
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: artifactsTable,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    }),
  );
  await ensureTable(dynamo.client, storeTable);
  Object.assign(process.env, {
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    POWERTOOLS_SERVICE_NAME: "queue-auditor",
    POWERTOOLS_METRICS_NAMESPACE: "QueueAuditor",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    [ENV.config]: encodeConfig(config),
    [ENV.artifactsTable]: artifactsTable,
    [ENV.storeTable]: storeTable,
    [ENV.topicArn]: "arn:aws:sns:eu-west-1:111122223333:queue-auditor-alerts",
  });
  return {
    dynamo,
    artifactsTable,
    storeTable,
    close: async () => {
      dynamo.client.destroy();
      await dynamo.close();
    },
  };
}

export const fixtureConfig = (name: "clean" | "violations") => loadConfig(`test/fixtures/config/${name}.yaml`);

/**
 * A reachable database's observation with `roles` roles (about 100 bytes of JSON each), the
 * last a LOGIN superuser nobody configured: evaluate can only report it if it read the
 * whole observation back.
 */
export function largePostgresObservation(target: string, roles: number): PostgresObservation {
  const role = (oid: number, name: string, superuser = false) => ({ oid, name, login: true, superuser, inherit: true, bypassrls: false });
  return {
    target,
    catalog: {
      serverVersionNum: 160004,
      database: "app",
      currentUser: "queue_auditor",
      roles: [
        role(14, "app_migrator"),
        role(15, "app_worker"),
        role(16, "queue_auditor"),
        ...Array.from({ length: roles - 3 }, (_, i) => role(100 + i, `role_${String(i).padStart(5, "0")}`, i === roles - 4)),
      ],
      memberships: [],
      tables: [
        {
          schema: "public",
          name: "delayed_jobs",
          found: true,
          oid: 500,
          owner: 14,
          relkind: "r",
          acl: ["SELECT", "INSERT", "UPDATE", "DELETE"].map((privilege) => ({ grantee: 15, grantor: 14, privilege, grantable: false })),
          columnAcls: [],
          sequences: [],
        },
      ],
      schemas: [{ name: "public", found: true, oid: 2200, owner: 14, acl: [] }],
      defaultAcls: [],
    },
  };
}
