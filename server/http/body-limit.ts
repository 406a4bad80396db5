/**
 * Request bodies read with a ceiling. A declared Content-Length over the
 * limit is refused without reading a byte; a body without one (chunked
 * transfer encoding) is read through a counting reader that cancels the
 * stream as soon as the count passes the limit, so at most the limit plus one
 * chunk is ever held in memory, whatever the client sends.
 */

export type BoundedBody = { ok: true; bytes: Uint8Array } | { ok: false };

/** The Content-Length the client declared, or null when there is none (or it is not a number). */
export function declaredLength(headers: Headers): number | null {
  const raw = headers.get("content-length");
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  return Number(raw);
}

/** The whole body when it is at most `maxBytes`, read with a counting reader; `{ ok: false }` otherwise. */
export async function readBodyWithin(req: Request, maxBytes: number): Promise<BoundedBody> {
  const declared = declaredLength(req.headers);
  if (declared !== null && declared > maxBytes) return { ok: false };
  if (!req.body) return { ok: true, bytes: new Uint8Array() };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stops pulling from the client; the rest of the body is never read into memory.
      reader.cancel().catch(() => {});
      return { ok: false };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/** `req` with the body already read, for a handler that reads it again (tRPC, next-auth). */
export function requestInit(req: Request, bytes: Uint8Array): RequestInit {
  const headers = new Headers(req.headers);
  // The body is now a known number of bytes, no longer a chunked stream.
  headers.delete("transfer-encoding");
  headers.set("content-length", String(bytes.byteLength));
  return { method: req.method, headers, body: bytes as BodyInit, signal: req.signal };
}
