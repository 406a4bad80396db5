/**
 * The outbox and the mail folder, for tests of what reaches people: run
 * every pending event in-process (as the embedded dispatcher does) and read
 * the messages the server wrote as .eml files.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import { expect } from "vitest";

import { dispatchOnce } from "@/server/jobs/dispatcher";

/** Runs every pending outbox event in-process; fails the test if one fails. */
export async function drainOutbox(): Promise<void> {
  for (;;) {
    const tick = await dispatchOnce({ batchSize: 100, mode: "embedded" });
    expect(tick.failed).toBe(0);
    if (tick.claimed === 0) return;
  }
}

/** The messages to `address` in `dataDir`/mail, with quoted-printable soft breaks joined so links read whole. */
export async function mailTo(dataDir: string, address: string): Promise<string[]> {
  const dir = path.join(dataDir, "mail");
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".eml"));
  const texts = await Promise.all(names.map((n) => readFile(path.join(dir, n), "utf8")));
  return texts.filter((t) => t.includes(`To: ${address}`)).map((t) => t.replace(/=\r?\n/g, "").replace(/=3D/g, "="));
}
