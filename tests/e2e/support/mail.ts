/**
 * Email as the server under test writes it without SMTP: one .eml file per
 * message in its data folder's mail/.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import { e2eDataDir } from "./server-env";

/** Waits for a message to `address` whose text matches `pattern`; returns it, quoted-printable undone. */
export async function waitForMail(address: string, pattern: RegExp): Promise<string> {
  const dir = path.join(e2eDataDir, "mail");
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".eml"));
    for (const name of names) {
      const text = (await readFile(path.join(dir, name), "utf8")).replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      if (text.includes(`To: ${address}`) && pattern.test(text)) return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no message to ${address} matching ${pattern}`);
}
