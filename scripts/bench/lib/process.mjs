/**
 * Child processes for the benchmark: each one runs in its own process group
 * so that stopping it also stops what it started (start.mjs → server.js).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const running = new Set();

/**
 * Starts `cmd args` detached (own process group). Output is kept in a
 * bounded buffer (`child.output`) and echoed when `verbose`.
 */
export function startProcess(cmd, args, { cwd, env, name, verbose = false }) {
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.label = name;
  child.output = "";
  const append = (chunk) => {
    if (verbose) process.stderr.write(`[${name}] ${chunk}`);
    child.output += chunk;
    if (child.output.length > 400_000) child.output = child.output.slice(-200_000);
  };
  child.stdout.setEncoding("utf8").on("data", append);
  child.stderr.setEncoding("utf8").on("data", append);
  child.exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    child.on("error", (err) => {
      append(`${err.stack}\n`);
      running.delete(child);
      resolve({ code: -1, signal: null });
    });
  });
  running.add(child);
  return child;
}

export function isRunning(child) {
  return running.has(child);
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** SIGTERM to the process group; SIGKILL after `graceMs`. */
export async function stopProcess(child, { graceMs = 10_000 } = {}) {
  if (!running.has(child)) return child.exited;
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
  const result = await child.exited;
  clearTimeout(timer);
  // The group leader may exit before its children; make sure none is left.
  killGroup(child, "SIGKILL");
  return result;
}

/** Last resort (timeouts, signals): kill every group we started, synchronously. */
export function killAll() {
  for (const child of running) killGroup(child, "SIGKILL");
}

/** Runs a command to completion; resolves with its exit status and output. */
export async function runProcess(cmd, args, opts) {
  const child = startProcess(cmd, args, opts);
  const { code, signal } = await child.exited;
  return { code, signal, output: child.output };
}

/** Pids of the direct children of `pid` (Linux /proc), or [] elsewhere. */
export function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU time (user + system) of `pid` in milliseconds (Linux /proc), or null. */
export function cpuTimeMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command name: state(0) … utime(11) stime(12), in clock ticks (100 Hz on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export { freePort } from "../../run.mjs";
