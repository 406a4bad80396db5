/**
 * Where attachment bytes live: a directory on local disk (DATA_DIR/uploads)
 * by default, an S3-compatible bucket when S3_BUCKET is set (s3-storage.ts).
 * Keys are random, never derived from user file names, so a name can never
 * escape the directory or be guessed from outside.
 */
import { createWriteStream } from "node:fs";
import { mkdir, open as openFile, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { type Env, getEnv } from "@/lib/env.mjs";
import { AppError } from "@/server/errors";

import { s3Storage } from "./s3-storage";

/** An upload's bytes: whole, or as they arrive (the caller bounds their number). */
export type AttachmentContent = Uint8Array | AsyncIterable<Uint8Array>;

export interface AttachmentStorage {
  /** Stores the bytes under a new key; a failure part-way leaves nothing behind. */
  put(key: string, content: AttachmentContent): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  /** The bytes as a stream, for downloads; NOT_FOUND when the object is missing. */
  open(key: string): Promise<ReadableStream<Uint8Array>>;
  remove(key: string): Promise<void>;
  /** A remote store's reachability for /admin/system: resolves when it answers, throws why not (no secrets). */
  probe?(timeoutMs: number): Promise<void>;
}

function localDisk(root: string): AttachmentStorage {
  const file = (key: string) => {
    if (!/^[a-z0-9][a-z0-9/-]{8,200}$/.test(key) || key.includes("..")) throw new Error("invalid storage key");
    return path.join(root, key);
  };
  return {
    async put(key, content) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const chunks = content instanceof Uint8Array ? [content] : content;
      try {
        // Written as the bytes arrive: an upload is never held in memory whole.
        await pipeline(Readable.from(chunks), createWriteStream(target, { mode: 0o600, flags: "wx" }));
      } catch (err) {
        // "wx" refused an existing file: it is not ours to remove.
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") await rm(target, { force: true });
        throw err;
      }
    },
    async get(key) {
      return new Uint8Array(await readFile(file(key)));
    },
    async open(key) {
      const handle = await openFile(file(key), "r").catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") throw new AppError("NOT_FOUND", "Attachment not found");
        throw err;
      });
      // The handle closes itself when the stream ends, fails or is cancelled by the client.
      return Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
    },
    async remove(key) {
      await rm(file(key), { force: true });
    },
  };
}

let memo: { env: Env; storage: AttachmentStorage } | undefined;

export function attachmentStorage(): AttachmentStorage {
  const env = getEnv();
  if (memo?.env !== env) memo = { env, storage: fromEnv(env) };
  return memo.storage;
}

function fromEnv(env: Env): AttachmentStorage {
  if (env.S3_BUCKET && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY) {
    return s3Storage({
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      prefix: env.S3_PREFIX,
    });
  }
  return localDisk(path.resolve(env.DATA_DIR, "uploads"));
}
