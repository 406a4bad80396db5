#!/usr/bin/env node
/**
 * Prints the exact package specs the container's migration step and its
 * embedded database need (`prisma`, `@prisma/adapter-pg`, `pg`, PGlite), pinned to the versions in
 * package-lock.json, one per line. The Dockerfile's migrator stage installs
 * these into an otherwise empty folder; scripts/check-standalone.mjs checks
 * that the repository's node_modules hold the same versions.
 *
 * Usage: node deploy/migrator-packages.mjs [path/to/package-lock.json]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const MIGRATOR_PACKAGES = [
  "prisma",
  "@prisma/adapter-pg",
  "pg",
  // The embedded database of the single-container mode (scripts/embedded-launch.mjs).
  "@electric-sql/pglite",
  "@electric-sql/pglite-socket",
];

/** @returns {{ name: string, version: string }[]} */
export function migratorPackages(lockfilePath) {
  const lock = JSON.parse(readFileSync(lockfilePath, "utf8"));
  return MIGRATOR_PACKAGES.map((name) => {
    const version = lock.packages?.[`node_modules/${name}`]?.version;
    if (!version) throw new Error(`${name} is not in ${lockfilePath}`);
    return { name, version };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const lockfile =
    process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "package-lock.json");
  try {
    for (const { name, version } of migratorPackages(lockfile)) console.log(`${name}@${version}`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
