/**
 * Captures what the server's logger writes, for tests that read log lines: from the first test of the
 * file to its last, LOG_LEVEL is "info" (the suite runs at "error", vitest.config.ts) and every line goes
 * to memory; after each test the captured text is cleared.
 */
import { Writable } from "node:stream";

import { afterAll, afterEach, beforeAll } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { setLogDestination } from "@/server/observability/log";

// biome-ignore lint/suspicious/noExplicitAny: log lines are JSON of many shapes; each assertion says what it expects.
export type LogLine = Record<string, any>;

export interface LogCapture {
  /** Everything written since the last reset. */
  text(): string;
  /** The same, parsed a line at a time. */
  lines(): LogLine[];
  /** Forgets what was captured so far (also done after each test). */
  reset(): void;
}

export function captureLogs(): LogCapture {
  let output = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  const levelBefore = process.env.LOG_LEVEL;
  beforeAll(() => {
    process.env.LOG_LEVEL = "info";
    resetEnvCache();
    setLogDestination(sink);
  });
  afterAll(() => {
    if (levelBefore === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = levelBefore;
    resetEnvCache();
    setLogDestination();
  });
  afterEach(() => {
    output = "";
  });
  return {
    text: () => output,
    lines: () =>
      output
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as LogLine),
    reset: () => {
      output = "";
    },
  };
}
