import path from "node:path";

import { defineConfig } from "vitest/config";

const alias = {
  "@": import.meta.dirname,
  // Services are plain server code; the marker package only guards client bundles.
  "server-only": path.join(import.meta.dirname, "tests/helpers/empty-module.ts"),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["tests/unit/**/*.test.{ts,tsx}"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/helpers/global-setup.ts"],
          setupFiles: ["tests/helpers/database-per-file.ts"],
          // Request logs go to stdout; tests that read them raise the level themselves.
          env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "error" },
          testTimeout: 30_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
    ],
  },
});
