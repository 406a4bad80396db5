/**
 * Preloaded into the app's processes when `npm run bench:live` runs with
 * BENCH_CPU_PROFILE=<dir> (node --require). Active only in the standalone
 * server, which `npm start` runs through serve.mjs: the first SIGUSR2 starts
 * the V8 CPU profiler, the next one stops it and writes
 * <dir>/server-<pid>-<n>.cpuprofile. scripts/bench/live.mjs sends the
 * signals around each measured phase (summarise with scripts/bench/profile-summary.mjs).
 */
"use strict";

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir && /(server\.js|serve\.mjs)$/.test(process.argv[1] ?? "")) {
  const fs = require("node:fs");
  const path = require("node:path");
  const inspector = require("node:inspector");

  const session = new inspector.Session();
  session.connect();
  let profiling = false;
  let count = 0;

  process.on("SIGUSR2", () => {
    if (!profiling) {
      session.post("Profiler.enable", () => {
        session.post("Profiler.setSamplingInterval", { interval: 1000 }, () => {
          session.post("Profiler.start", () => {
            profiling = true;
          });
        });
      });
      return;
    }
    session.post("Profiler.stop", (err, result) => {
      profiling = false;
      if (err) {
        console.error(`[cpu-profile] ${err.message}`);
        return;
      }
      count += 1;
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `server-${process.pid}-${count}.cpuprofile`);
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
      fs.renameSync(`${file}.tmp`, file);
    });
  });
}
