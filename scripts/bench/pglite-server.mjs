#!/usr/bin/env node
/**
 * The embedded database in its own process, as `npm start` runs it: PGlite
 * with its data in the folder given as the first argument, served on a
 * loopback port. Prints one line `{"url": …}` when it accepts connections and
 * stops cleanly on SIGTERM. Used by scripts/bench/bounds.mjs so that the app
 * code under test and the database do not share one event loop.
 */
import { startEmbeddedPostgres } from "../embedded-postgres.mjs";

const dataDir = process.argv[2];
if (!dataDir) {
  console.error("usage: node scripts/bench/pglite-server.mjs <data-dir>");
  process.exit(2);
}
const embedded = await startEmbeddedPostgres({ dataDir });
console.log(JSON.stringify({ url: embedded.url }));

let stopping = false;
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    await embedded.stop().catch((err) => console.error(`[pglite] stop: ${err.message}`));
    process.exit(0);
  });
}
