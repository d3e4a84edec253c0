/**
 * The embedded local store: DynamoDB's API served by dynalite in this process, on
 * loopback, on a random port, with its LevelDB files under DIR so data survives between
 * runs. Only this process can reach it; credentials are dummies.
 */
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { StoreError } from "./errors.js";

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  close(): Promise<void>;
}

/** `dir` undefined: in memory (tests, benches). */
export async function startLocalDynamo(dir: string | undefined): Promise<LocalDynamo> {
  let path: string | undefined;
  if (dir !== undefined) {
    path = resolve(dir, "dynamodb");
    try {
      mkdirSync(path, { recursive: true });
    } catch (err) {
      throw new StoreError(`cannot create the local store directory ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
  }
  const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 3,
  });
  return {
    client,
    endpoint,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections?.();
      }),
  };
}
