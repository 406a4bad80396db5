/**
 * Where attachment bytes live: a directory on local disk (DATA_DIR/uploads)
 * by default. Keys are random, never derived from user file names, so a
 * name can never escape the directory.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import { getEnv } from "@/lib/env.mjs";

export interface AttachmentStorage {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  remove(key: string): Promise<void>;
}

function localDisk(root: string): AttachmentStorage {
  const file = (key: string) => {
    if (!/^[a-z0-9][a-z0-9/-]{8,200}$/.test(key) || key.includes("..")) throw new Error("invalid storage key");
    return path.join(root, key);
  };
  return {
    async put(key, bytes) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await writeFile(target, bytes, { mode: 0o600, flag: "wx" });
    },
    async get(key) {
      return new Uint8Array(await readFile(file(key)));
    },
    async remove(key) {
      await rm(file(key), { force: true });
    },
  };
}

export function attachmentStorage(): AttachmentStorage {
  return localDisk(path.resolve(getEnv().DATA_DIR, "uploads"));
}
