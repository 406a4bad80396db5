/**
 * The log stream gathers lines into larger writes (server/observability/log.ts, LOG_BUFFER). Gathering
 * must never hold a line back: a quiet instance's single line shows within the flush period, and every
 * line written before an exit or a crash is on stdout when the process is gone.
 */
import { spawn } from "node:child_process";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { LOG_BUFFER } from "@/server/observability/log";

const root = path.join(import.meta.dirname, "../..");

function run(mode: string, count: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/log-lines.ts", mode, String(count)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const lines = () =>
    stdout
      .split("\n")
      .filter((l) => l.includes('"msg":"log line"'))
      .map((l) => JSON.parse(l) as { line: number });
  return { child, exited, lines };
}

describe("the buffered log stream", () => {
  it("gathers lines into writes of several kilobytes", () => {
    expect(LOG_BUFFER.minLength).toBeGreaterThanOrEqual(1024);
    expect(LOG_BUFFER.periodicFlush).toBeLessThanOrEqual(1000);
  });

  it("shows a quiet instance's one line within the flush period", async () => {
    const { child, exited, lines } = run("quiet", 1);
    try {
      // Startup (tsx compiling the logger) takes a while; once running, the line is due within the period.
      await expect.poll(lines, { timeout: 20_000, interval: 50 }).toHaveLength(1);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
  }, 30_000);

  it("writes out every line before the process exits", async () => {
    const { exited, lines } = run("exit", 2000);
    expect(await exited).toBe(0);
    expect(lines().map((l) => l.line)).toEqual([...Array(2000).keys()]);
  }, 30_000);

  it("writes out every line before a crash ends the process", async () => {
    const { exited, lines } = run("crash", 500);
    expect(await exited).not.toBe(0);
    expect(lines()).toHaveLength(500);
  }, 30_000);
});
