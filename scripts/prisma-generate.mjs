#!/usr/bin/env node
/**
 * `prisma generate`, offline. The CLI reads the schema's datasource URL while
 * deciding which engines it needs; a placeholder keeps that check local (no
 * connection is made and no engine is downloaded).
 */
import { createRequire } from "node:module";

import { run } from "./run.mjs";

const require = createRequire(import.meta.url);
await run(process.execPath, [require.resolve("prisma/build/index.js"), "generate"], {
  env: {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL || "postgresql://localhost:5432/specline",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
}).catch((err) => {
  console.error(err.message);
  process.exit(1);
});
