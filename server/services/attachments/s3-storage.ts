/**
 * Attachment bytes in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2,
 * Ceph RGW …), used when S3_BUCKET is set. Requests are signed with SigV4 by
 * aws4fetch and carry the payload's SHA-256, so the store refuses a body that
 * changed on the way. Downloads are handed on as a stream, never buffered.
 * Uploads are collected before the PUT (at most ATTACHMENT_MAX_BYTES, which
 * the caller enforces while reading): the signature covers the payload's
 * SHA-256 and S3 needs its length up front, and a streamed upload would take
 * aws-chunked signing or a multipart upload, which aws4fetch does not do.
 *
 * The store's failures become AppErrors the routes already know how to
 * answer: SERVICE_UNAVAILABLE when it is unreachable, slow or answering 5xx
 * (trying again later may work), BAD_GATEWAY when it refuses us (credentials,
 * bucket, region: something for the operator), NOT_FOUND for a missing
 * object. Details go to the log, never to the client.
 */
import { createHash } from "node:crypto";

import { AwsClient } from "aws4fetch";

import { AppError } from "@/server/errors";
import { log } from "@/server/observability/log";

import type { AttachmentContent, AttachmentStorage } from "./storage";

export interface S3Config {
  bucket: string;
  region: string;
  /** Base URL of a non-AWS store (MinIO, R2, Ceph); AWS's regional endpoint when absent. */
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO and most self-hosted stores need this). */
  forcePathStyle: boolean;
  /** Folder inside the bucket, without leading or trailing slashes. */
  prefix?: string;
}

/** Until the response headers arrive; the body of a download may take longer. */
const RESPONSE_TIMEOUT_MS = 30_000;
/** Uploads also get this much per megabyte, for slow links to the store. */
const UPLOAD_MS_PER_MB = 2_000;

const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function collect(content: AttachmentContent): Promise<Uint8Array> {
  if (content instanceof Uint8Array) return content;
  const chunks: Uint8Array[] = [];
  for await (const chunk of content) chunks.push(chunk);
  return Buffer.concat(chunks);
}
const EMPTY_SHA256 = sha256Hex(new Uint8Array());

const unavailable = () => new AppError("SERVICE_UNAVAILABLE", "File storage is unavailable; try again shortly");
const refused = () => new AppError("BAD_GATEWAY", "File storage refused the request");

/** The error code S3 puts in its XML error body (`NoSuchKey`, `AccessDenied`, …), if any. */
async function s3ErrorCode(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  return /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1] ?? "";
}

export function s3Storage(config: S3Config): AttachmentStorage {
  // Retries only on 5xx and 429, with jittered backoff (at most ~0.6 s extra); connection errors fail at once.
  const client = new AwsClient({
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    service: "s3",
    region: config.region,
    retries: 2,
    initRetryMs: 200,
  });
  const endpoint = new URL(config.endpoint ?? `https://s3.${config.region}.amazonaws.com`);
  const basePath = endpoint.pathname.replace(/\/+$/, "");

  const objectUrl = (key: string) => {
    if (!/^[a-z0-9][a-z0-9/-]{8,200}$/.test(key) || key.includes("..")) throw new Error("invalid storage key");
    const path = [config.prefix, key].filter(Boolean).join("/").split("/").map(encodeURIComponent).join("/");
    return config.forcePathStyle
      ? `${endpoint.origin}${basePath}/${config.bucket}/${path}`
      : `${endpoint.protocol}//${config.bucket}.${endpoint.host}${basePath}/${path}`;
  };

  async function send(
    method: "PUT" | "GET" | "DELETE",
    key: string,
    opts: { body?: Uint8Array; timeoutMs?: number } = {},
  ): Promise<Response> {
    const body = opts.body;
    const headers: Record<string, string> = { "x-amz-content-sha256": body ? sha256Hex(body) : EMPTY_SHA256 };
    if (body) {
      headers["content-length"] = String(body.byteLength);
      headers["content-type"] = "application/octet-stream";
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? RESPONSE_TIMEOUT_MS);
    try {
      return await client.fetch(objectUrl(key), {
        method,
        headers,
        body: body as BodyInit | undefined,
        // A redirect (wrong region, moved bucket) is a configuration problem; never re-send a signed request elsewhere.
        redirect: "manual",
        signal: controller.signal,
      });
    } catch (err) {
      const cause = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? err.name) : "unknown";
      log.error({ method, cause }, "S3: could not reach the store");
      throw unavailable();
    } finally {
      // Cleared once the headers are in, so a long download is not cut off.
      clearTimeout(timer);
    }
  }

  async function failure(method: string, res: Response): Promise<AppError> {
    const code = await s3ErrorCode(res);
    log.error({ method, status: res.status, code }, "S3: the store refused a request");
    if (res.status >= 500 || res.status === 429 || code === "SlowDown") return unavailable();
    if (res.status === 404 && code === "NoSuchKey") return new AppError("NOT_FOUND", "Attachment not found");
    return refused();
  }

  const bucketUrl = config.forcePathStyle
    ? `${endpoint.origin}${basePath}/${config.bucket}`
    : `${endpoint.protocol}//${config.bucket}.${endpoint.host}${basePath}/`;

  /** A signed HEAD on the bucket (HeadBucket): whether the store answers and lets these credentials in. */
  async function probe(timeoutMs: number): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let res: Response;
    try {
      res = await client.fetch(bucketUrl, {
        method: "HEAD",
        headers: { "x-amz-content-sha256": EMPTY_SHA256 },
        redirect: "manual",
        signal: controller.signal,
      });
    } catch (err) {
      const cause = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? err.name) : "unknown";
      throw new Error(`could not reach the store (${cause})`);
    } finally {
      clearTimeout(timer);
    }
    await res.body?.cancel();
    if (res.ok) return;
    // A HEAD answer has no body, so the status is all there is to go on.
    const why =
      res.status === 403
        ? "access denied"
        : res.status === 404
          ? "no such bucket"
          : res.status === 301 || res.status === 307
            ? "the bucket is in another region or at another endpoint"
            : res.status >= 500
              ? "the store is failing"
              : "the store refused the request";
    throw new Error(`${why} (HTTP ${res.status})`);
  }

  async function open(key: string): Promise<ReadableStream<Uint8Array>> {
    const res = await send("GET", key);
    if (!res.ok || !res.body) throw await failure("GET", res);
    return res.body;
  }

  return {
    async put(key, content) {
      const bytes = await collect(content);
      const timeoutMs = RESPONSE_TIMEOUT_MS + Math.ceil((bytes.byteLength / 1024 / 1024) * UPLOAD_MS_PER_MB);
      const res = await send("PUT", key, { body: bytes, timeoutMs });
      if (!res.ok) throw await failure("PUT", res);
      await res.body?.cancel();
    },
    open,
    probe,
    async get(key) {
      return new Uint8Array(await new Response(await open(key)).arrayBuffer());
    },
    async remove(key) {
      const res = await send("DELETE", key);
      // S3 answers 204 for a missing key too; some stores answer 404.
      if (res.ok || res.status === 404) {
        await res.body?.cancel();
        return;
      }
      throw await failure("DELETE", res);
    },
  };
}
