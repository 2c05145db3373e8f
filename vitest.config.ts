import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // e2e tests spawn the built CLI; keep them deterministic and bounded.
    testTimeout: 30_000,
    pool: "forks",
  },
});
