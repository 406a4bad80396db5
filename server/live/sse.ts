/**
 * Server-sent events as tRPC's `httpSubscriptionLink` reads them, written
 * for fan-out: a change's frame is encoded once and the same bytes are
 * written to every stream that receives it.
 *
 * The framing is tRPC 11's SSE producer's (`sseStreamProducer`): a
 * `connected` event carrying the client options, each message as `data:`
 * (with `id:` when it is tracked), `ping` and `return` events, and
 * `serialized-error` for an error that ends the stream. A message without an
 * id, sent after one with an id, clears the id and restores it with a
 * `restore-id` event, so the browser's Last-Event-ID stays the last change.
 * tests/integration/live-sse.test.ts reads these streams with tRPC's own
 * client.
 */

/** The response headers tRPC sends with a stream (`X-Accel-Buffering: no` keeps nginx from buffering it). */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  connection: "keep-alive",
};

const encoder = new TextEncoder();

export const PING_FRAME = encoder.encode("event: ping\ndata: \n\n\n");
export const RETURN_FRAME = encoder.encode("event: return\ndata: \n\n\n");

export function connectedFrame(clientOptions: object): Uint8Array {
  return encoder.encode(`event: connected\ndata: ${JSON.stringify(clientOptions)}\n\n\n`);
}

/** An event id as the browser may send it back: no line breaks or NUL (tRPC ignores one that has them). */
export function usableEventId(id: string | null | undefined): string | null {
  return id && !/[\0\n\r]/.test(id) ? id : null;
}

export class SseEncoder {
  /** Frames of shared messages (a change's message is one object for every stream), by message. */
  private readonly frames = new WeakMap<object, Uint8Array>();

  /** `serialize`: the API's transformer (superjson on the wire). */
  constructor(private readonly serialize: (value: unknown) => unknown) {}

  /**
   * The frame of a tracked message (one with an event id). Kept per message
   * object: every stream sending the same message gets the same bytes.
   */
  tracked(message: object, id: string): Uint8Array {
    let frame = this.frames.get(message);
    if (!frame) {
      frame = encoder.encode(`data: ${this.json(message)}\nid: ${id}\n\n\n`);
      this.frames.set(message, frame);
    }
    return frame;
  }

  /** The frames of a message without an id; `lastId` is the stream's current event id. */
  untracked(message: unknown, lastId: string | null): Uint8Array {
    if (lastId === null) return encoder.encode(`data: ${this.json(message)}\n\n\n`);
    return encoder.encode(`data: ${this.json(message)}\nid: \n\n\nevent: restore-id\ndata: \nid: ${lastId}\n\n\n`);
  }

  /** The error that ends a stream, as the API formats errors (`serialized-error`). */
  error(shape: unknown): Uint8Array {
    return encoder.encode(`event: serialized-error\ndata: ${this.json(shape)}\n\n\n`);
  }

  private json(value: unknown): string {
    return JSON.stringify(this.serialize(value));
  }
}

/** Anything a ping can be written to. */
export interface Pingable {
  write(bytes: Uint8Array): unknown;
}

/**
 * Pings every open stream on one timer (a ping keeps proxies from closing a
 * quiet stream and tells the client the server is there), rather than a
 * timer per stream. The timer runs only while a stream is open.
 */
export class Pinger {
  private readonly streams = new Set<Pingable>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly intervalMs: number) {}

  add(stream: Pingable) {
    this.streams.add(stream);
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      for (const s of this.streams) s.write(PING_FRAME);
    }, this.intervalMs);
    this.timer.unref?.();
  }

  delete(stream: Pingable) {
    this.streams.delete(stream);
    if (this.streams.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
