import { readdir } from "node:fs/promises";
import path from "node:path";

import { db } from "@/server/db";

/** Migration folders shipped with this build (prisma/migrations is copied into the image). */
async function shippedMigrations(): Promise<string[]> {
  const dir = path.join(process.cwd(), "prisma", "migrations");
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export async function checkReadiness() {
  const started = Date.now();
  try {
    const [probe] = await db.$queryRaw<{ migrated: boolean }[]>`
      SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS migrated`;
    const applied = probe?.migrated
      ? await db.$queryRaw<{ migration_name: string }[]>`
          SELECT migration_name FROM "_prisma_migrations"
          WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`
      : [];
    const appliedNames = new Set(applied.map((r) => r.migration_name));
    const pending = (await shippedMigrations()).filter((m) => !appliedNames.has(m));
    return {
      status: pending.length === 0 ? ("ready" as const) : ("migrations_pending" as const),
      database: "up" as const,
      pendingMigrations: pending,
      latencyMs: Date.now() - started,
    };
  } catch (err) {
    console.error("[ready] database check failed", err);
    return {
      status: "database_unreachable" as const,
      database: "down" as const,
      pendingMigrations: [],
      latencyMs: Date.now() - started,
    };
  }
}
