import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests that start servers pick free ports, so files may run in parallel.
    pool: "forks",
    allowOnly: false,
  },
});
