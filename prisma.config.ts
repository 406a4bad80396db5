/**
 * Prisma CLI configuration. The JavaScript schema engine with the pg driver
 * adapter keeps `generate` and `migrate deploy` fully offline.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

import { poolConfig } from "./lib/database-url.mjs";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL must be set to run migrations");
    // Let the CLI exit as soon as it is done instead of waiting for idle connections to time out.
    return new PrismaPg({ ...poolConfig(url), allowExitOnIdle: true, idleTimeoutMillis: 100 });
  },
});
