/**
 * Gives every test file its own freshly migrated database (a copy of the
 * run's template), so files never see each other's rows and tests may rely
 * on an empty instance (e.g. "the first user becomes admin").
 */
import { readFile } from "node:fs/promises";

import pg from "pg";
import { afterAll, inject } from "vitest";

import { startEmbeddedPostgres } from "../../scripts/embedded-postgres.mjs";

process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123456789";
// Test files call procedures far faster than people do: budgets no test reaches, so the limiter still runs on every
// call without refusing. tests/integration/rate-limit.test.ts sets small ones.
process.env.RATE_LIMIT_API_PER_MINUTE ??= "1000000";
process.env.RATE_LIMIT_EXPENSIVE_PER_MINUTE ??= "1000000";
process.env.RATE_LIMIT_CREATE_PER_HOUR ??= "1000000";
process.env.RATE_LIMIT_REGISTER_PER_HOUR ??= "1000000";

const mode = inject("dbMode");
let cleanup: (() => Promise<void>) | undefined;

if (mode === "postgres") {
  const adminUrl = inject("adminUrl");
  const template = inject("templateDb");
  const name = `specline_t_${template.slice("specline_tpl_".length)}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
} else {
  const dump = await readFile(inject("pgliteDump"));
  const embedded = await startEmbeddedPostgres({ loadDataDir: new Blob([dump]) });
  process.env.DATABASE_URL = embedded.url;
  cleanup = embedded.stop;
}

afterAll(async () => {
  const { disconnectDb } = await import("@/server/db");
  await disconnectDb();
  await cleanup?.();
});
