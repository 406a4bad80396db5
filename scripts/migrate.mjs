#!/usr/bin/env node
/** Applies pending migrations to DATABASE_URL (used at container start). */
import { migrate } from "./run.mjs";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required to run migrations");
  process.exit(1);
}
try {
  await migrate(url, { quiet: false });
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
