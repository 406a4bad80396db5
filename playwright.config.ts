/**
 * End-to-end tests against the production build, started exactly as
 * `npm start` does. Without E2E_DATABASE_URL the server runs on a throwaway
 * embedded database in .data-e2e/, wiped before every run.
 */
import { defineConfig, devices } from "@playwright/test";

import { e2eDatabaseUrl, e2eServerEnv, e2ePort as port } from "./tests/e2e/support/server-env";

// The webServer starts before globalSetup, so the data directory is wiped by the command itself.
const command = e2eDatabaseUrl ? "node scripts/start.mjs" : "sh -c 'rm -rf .data-e2e && exec node scripts/start.mjs'";

export default defineConfig({
  testDir: "tests/e2e",
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: {
    command,
    url: `http://localhost:${port}/api/ready`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: e2eServerEnv(port),
  },
});
