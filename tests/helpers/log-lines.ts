/**
 * Writes log lines through the server's logger in a process of its own, for
 * tests/unit/log-buffer.test.ts:
 *
 *   node --import tsx tests/helpers/log-lines.ts <mode> <count>
 *
 * `quiet`: one line, then the process stays alive until it is killed (the
 * line must show although nothing else is written). `exit`: `count` lines,
 * then `process.exit(0)` at once. `crash`: `count` lines, then an uncaught
 * error.
 */
import { log } from "@/server/observability/log";

const [mode = "quiet", countText = "1"] = process.argv.slice(2);
const count = Number(countText);

for (let i = 0; i < count; i++) log.info({ line: i, filler: "x".repeat(100) }, "log line");
if (mode === "exit") process.exit(0);
if (mode === "crash") throw new Error("crashed on purpose");
setInterval(() => undefined, 60_000);
