/**
 * A second production server beside the one Playwright starts: the same
 * build, database and auth secret on its own port, which a spec can stop
 * and start again (a deploy, a crash). Session cookies are per host, not
 * per port, so a browser context signed in on the first server is signed
 * in on this one too.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { e2eDatabaseUrl, e2eServerEnv } from "./server-env";

const ENTRY = path.resolve(".next/standalone/serve.mjs");

export type SecondServer = {
  url: string;
  /** Stops the server (SIGTERM, as a deploy does; SIGKILL for a crash) and waits until it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and waits until it answers ready. */
  start(): Promise<void>;
};

/** Only with a database server: the embedded database belongs to the first server's process. */
export const canStartSecondServer = () => Boolean(e2eDatabaseUrl) && existsSync(ENTRY);

/** `env`: settings of this server only, over those of the first. */
export function secondServer(port: number, env: Record<string, string> = {}): SecondServer {
  const url = `http://localhost:${port}`;
  let child: ChildProcess | null = null;
  let output = "";

  async function start() {
    output = "";
    child = spawn(process.execPath, [ENTRY], {
      env: {
        ...process.env,
        ...e2eServerEnv(port),
        ...env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        NEXTAUTH_URL: url,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`second server exited (${child.exitCode}):\n${output}`);
      try {
        const res = await fetch(`${url}/api/ready`);
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`second server not ready within 60 s:\n${output}`);
  }

  async function stop(signal: NodeJS.Signals = "SIGTERM") {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill(signal);
    const timer = setTimeout(() => running.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }

  return { url, start, stop };
}
