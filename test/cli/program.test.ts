/**
 * The CLI tells a user's mistake (exit 2, one line) from its own failure (exit 3, with the
 * stack) by class: every usage, config and inventory error is a UserError.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../lib/audit/config/load.js";
import { NoRegionError } from "../../lib/audit/inventory/aws/clients.js";
import { InventoryError } from "../../lib/audit/inventory/offline-errors.js";
import { SnapshotTargetError } from "../../lib/audit/inventory/snapshot.js";
import { UserError } from "../../lib/audit/model/user-error.js";
import { NotifySpecError } from "../../lib/audit/notify/notifier.js";
import { NoStoreError, StoreError, StoreSpecError } from "../../lib/audit/store/errors.js";
import { UsageError } from "../../lib/cli/errors.js";
import { main } from "../../lib/cli/program.js";

const CLEAN = ["--config", "test/fixtures/config/clean.yaml", "--inventory", "test/fixtures/inventory/clean"];

async function run(...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const err: string[] = [];
  const out: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => err.push(String(c)) > 0);
  vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
  process.exitCode = undefined;
  try {
    const code = await main(["node", "queue-auditor", ...args]);
    return { code, stderr: err.join(""), stdout: out.join("") };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

describe("user errors", () => {
  afterEach(() => vi.restoreAllMocks());

  it("are every error a user fixes from the message: usage, config, inventory, store and notify specs", () => {
    for (const E of [
      UsageError,
      ConfigError,
      InventoryError,
      NoRegionError,
      SnapshotTargetError,
      StoreSpecError,
      NoStoreError,
      NotifySpecError,
    ]) {
      expect(new E("x"), E.name).toBeInstanceOf(UserError);
    }
    // The store failing to answer is not the user's mistake.
    expect(new StoreError("x")).not.toBeInstanceOf(UserError);
  });

  it("exit 2 with one line, whichever command and layer raised them", async () => {
    const badStore = await run("audit", ...CLEAN, "--store", "sqlite:x");
    expect(badStore).toMatchObject({ code: 2, stdout: "" });
    expect(badStore.stderr).toBe("queue-auditor: --store sqlite:x: expected local[:DIR], dynamodb:TABLE or none\n");

    const badNotify = await run("audit", ...CLEAN, "--store", "none", "--notify", "sns:not-an-arn");
    expect(badNotify.code).toBe(2);
    expect(badNotify.stderr).toMatch(/^queue-auditor: --notify sns:not-an-arn: expected sns:TOPIC_ARN[^\n]*\n$/);

    const noHistory = await run("history", "--store", "none");
    expect(noHistory.code).toBe(2);
    expect(noHistory.stderr.split("\n")).toHaveLength(2);

    const noChain = await run("verify", "--store", "none");
    expect(noChain).toMatchObject({ code: 2, stderr: "queue-auditor: verify needs a store; --store none keeps nothing\n" });
  });

  it("a store that cannot be opened is not a usage error: the result is printed, one line, exit 4 (not recorded)", async () => {
    const out = await run(
      "audit",
      "--config",
      "test/fixtures/config/clean.yaml",
      "--inventory",
      "test/fixtures/inventory/clean",
      "--store",
      "local:/dev/null/nowhere",
    );
    expect(out.code).toBe(4);
    expect(out.stdout).toContain("Outcome: compliant");
    expect(out.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });
});
