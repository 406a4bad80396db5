/**
 * End-to-end tests against the production build, started exactly as
 * `npm start` does. Without E2E_DATABASE_URL the server runs on a throwaway
 * embedded database in .data-e2e/, wiped before every run.
 */
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const externalDb = process.env.E2E_DATABASE_URL;

// The webServer starts before globalSetup, so the data directory is wiped by the command itself.
const command = externalDb ? "node scripts/start.mjs" : "sh -c 'rm -rf .data-e2e && exec node scripts/start.mjs'";

const serverEnv: Record<string, string> = externalDb
  ? {
      PORT: String(port),
      DATABASE_URL: externalDb,
      AUTH_SECRET: "e2e-only-auth-secret-not-for-production-use-0123456789",
      // The throttling spec counts on this limit.
      LOGIN_MAX_ATTEMPTS: "5",
      // Every spec signs up its own people, all from this machine's address.
      RATE_LIMIT_REGISTER_PER_HOUR: "1000",
    }
  : // Embedded mode keeps rate limits in memory, fresh for every run.
    {
      PORT: String(port),
      DATA_DIR: ".data-e2e",
      DATABASE_URL: "",
      REDIS_URL: "",
      LOGIN_MAX_ATTEMPTS: "5",
      RATE_LIMIT_REGISTER_PER_HOUR: "1000",
    };

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
    env: serverEnv,
  },
});
