/**
 * The framing of live streams (server/live/sse.ts): tRPC's SSE wire format,
 * a change encoded once for every stream, and one ping timer for all.
 */
import superjson from "superjson";
import { afterEach, describe, expect, it, vi } from "vitest";

import { type LiveChange, toMessage } from "@/server/live/changes";
import { connectedFrame, PING_FRAME, Pinger, SseEncoder, usableEventId } from "@/server/live/sse";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const encoder = new SseEncoder((value) => superjson.serialize(value));

const change: LiveChange = {
  seq: 42,
  id: "evt_1",
  type: "requirement.updated",
  projectId: "p1",
  projectKey: "PAY",
  key: "PAY-3",
  version: 2,
  refs: ["PAY-3"],
  actorId: "u1",
  actorName: "Ada Lovelace",
  occurredAt: "2026-12-05T10:00:00.000Z",
  audience: { level: "member" },
};

afterEach(() => {
  vi.useRealTimers();
});

describe("live stream frames", () => {
  it("frames a change as tRPC does: superjson data with the number as its event id", () => {
    const frame = text(encoder.tracked(toMessage(change), "42"));
    expect(frame.endsWith("\nid: 42\n\n\n")).toBe(true);
    expect(frame.startsWith("data: ")).toBe(true);
    const data = superjson.deserialize(JSON.parse(frame.slice("data: ".length, frame.indexOf("\nid: "))));
    expect(data).toEqual({
      kind: "change",
      seq: 42,
      id: "evt_1",
      type: "requirement.updated",
      projectKey: "PAY",
      key: "PAY-3",
      version: 2,
      refs: ["PAY-3"],
      actorId: "u1",
      actorName: "Ada Lovelace",
      occurredAt: new Date("2026-12-05T10:00:00.000Z"),
    });
    // The audience and the project's internal id stay on the server.
    expect(frame).not.toContain("audience");
    expect(frame).not.toContain('"p1"');
  });

  it("encodes a change once: every stream sending it writes the same bytes", () => {
    const serialize = vi.fn((value: unknown) => superjson.serialize(value));
    const counting = new SseEncoder(serialize);
    const message = toMessage(change);
    expect(toMessage(change)).toBe(message);
    const first = counting.tracked(message, "42");
    for (let i = 0; i < 1_000; i++) expect(counting.tracked(toMessage(change), "42")).toBe(first);
    expect(serialize).toHaveBeenCalledTimes(1);
  });

  it("keeps the browser's last event id across a message without one (restore-id)", () => {
    const message = { kind: "notifications", unread: 3 };
    expect(text(encoder.untracked(message, null))).toMatch(/^data: \{.*\}\n\n\n$/);
    const frames = text(encoder.untracked(message, "42"));
    expect(frames).toMatch(/^data: \{.*\}\nid: \n\n\nevent: restore-id\ndata: \nid: 42\n\n\n$/);
  });

  it("writes the connected, ping and error events tRPC's client listens for", () => {
    expect(text(connectedFrame({ reconnectAfterInactivityMs: 40_000 }))).toBe(
      'event: connected\ndata: {"reconnectAfterInactivityMs":40000}\n\n\n',
    );
    expect(text(PING_FRAME)).toBe("event: ping\ndata: \n\n\n");
    const error = text(encoder.error({ code: -32001, message: "Sign in to continue" }));
    expect(error.startsWith("event: serialized-error\ndata: ")).toBe(true);
    expect(superjson.deserialize(JSON.parse(error.split("data: ")[1] as string))).toMatchObject({ code: -32001 });
  });

  it("ignores an event id a browser could not have been given", () => {
    expect(usableEventId("17")).toBe("17");
    expect(usableEventId("1\nevent: forged")).toBeNull();
    expect(usableEventId("")).toBeNull();
    expect(usableEventId(null)).toBeNull();
  });
});

describe("Pinger", () => {
  it("pings every open stream on one timer, and stops when the last one closes", () => {
    vi.useFakeTimers();
    const pinger = new Pinger(15_000);
    const a = { write: vi.fn() };
    const b = { write: vi.fn() };
    pinger.add(a);
    pinger.add(b);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(15_000);
    expect(a.write).toHaveBeenCalledWith(PING_FRAME);
    expect(b.write).toHaveBeenCalledTimes(1);
    pinger.delete(a);
    vi.advanceTimersByTime(15_000);
    expect(a.write).toHaveBeenCalledTimes(1);
    expect(b.write).toHaveBeenCalledTimes(2);
    pinger.delete(b);
    expect(vi.getTimerCount()).toBe(0);
  });
});
