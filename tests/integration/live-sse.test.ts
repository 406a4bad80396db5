/**
 * How live streams are carried (server/api/live-sse.ts): the bytes on the
 * wire, typed errors as the stream's only event, a reader that falls
 * behind, and streams that leave the hub when their connection closes —
 * on the socket (the production server entry) and as the route handler's
 * fetch Response. tests/integration/live-instances.test.ts reads the same
 * streams with tRPC's own client.
 */
import type http from "node:http";
import type { AddressInfo } from "node:net";

import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET } from "@/app/api/trpc/[trpc]/route";
import { startDispatcher, stopDispatcher } from "@/server/jobs/dispatcher";
import { getLive, publishSignal, stopLive } from "@/server/live/bus";
import { type LiveMessage, openLiveStream } from "@/server/live/stream";

import { addMembership, callerFor, createProjectWithCast, createUser } from "../helpers/factories";
import { createInstanceServer } from "../helpers/instance-server";
import { sessionCookieFor, until } from "../helpers/session";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let server: http.Server;
let base: string;

beforeAll(async () => {
  cast = await createProjectWithCast();
  server = createInstanceServer({ carrier: "node" });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  startDispatcher({ pollMs: 50 });
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await stopDispatcher();
  await stopLive();
});

function eventsUrl(input: unknown, origin = base) {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  return `${origin}/api/trpc/live.events${query}`;
}

interface Frame {
  event?: string;
  data?: string;
  id?: string;
}

/** Reads a response's SSE frames as they arrive. */
function framesOf(body: ReadableStream<Uint8Array>) {
  const frames: Frame[] = [];
  let ended = false;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const done = (async () => {
    for (;;) {
      const { value, done: finished } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (finished) break;
      buffered += decoder.decode(value, { stream: true });
      for (let end = buffered.indexOf("\n\n"); end !== -1; end = buffered.indexOf("\n\n")) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2).replace(/^\n+/, "");
        if (!block.trim()) continue;
        const frame: Frame = {};
        for (const line of block.split("\n")) {
          const colon = line.indexOf(": ");
          const [name, value] =
            colon === -1 ? [line.replace(/:$/, ""), ""] : [line.slice(0, colon), line.slice(colon + 2)];
          if (name === "event" || name === "data" || name === "id") frame[name] = value;
        }
        frames.push(frame);
      }
    }
    ended = true;
  })();
  return {
    frames,
    done,
    get ended() {
      return ended;
    },
    messages: () =>
      frames
        .filter((f) => f.event === undefined && f.data)
        .map((f) => ({ id: f.id, message: superjson.deserialize(JSON.parse(f.data as string)) as LiveMessage })),
    cancel: () => reader.cancel(),
  };
}

function errorOf(frames: Frame[]) {
  const frame = frames.find((f) => f.event === "serialized-error");
  if (!frame?.data) return null;
  return superjson.deserialize(JSON.parse(frame.data)) as {
    message: string;
    data: { code: string; httpStatus: number };
  };
}

describe("live streams on the wire", () => {
  it("answers as tRPC does: SSE headers, `connected`, the unread count, then each change with its number as id", async () => {
    const res = await fetch(eventsUrl({ projectKey: cast.key }), {
      headers: { cookie: await sessionCookieFor(cast.maintainer.id), "x-request-id": "req-live-1" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    // No trusted proxy in front (TRUSTED_PROXIES=0): the client's own id is replaced (server/http/request-id.ts).
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const stream = framesOf(res.body as ReadableStream<Uint8Array>);
    await until(() => stream.messages().length > 0);
    expect(stream.frames[0]).toEqual({ event: "connected", data: '{"reconnectAfterInactivityMs":40000}' });
    expect(stream.messages()[0]?.message).toMatchObject({ kind: "notifications", unread: expect.any(Number) });

    const requirement = await callerFor(cast.admin.id).requirement.create({
      projectKey: cast.key,
      title: "On the wire",
    });
    const ofRequirement = () =>
      stream.messages().find((m) => m.message.kind === "change" && m.message.key === requirement.key);
    await until(() => ofRequirement() !== undefined);
    const change = ofRequirement();
    expect(change?.message).toMatchObject({ kind: "change", type: "requirement.created", key: requirement.key });
    const seq = change?.message.kind === "change" ? change.message.seq : null;
    expect(change?.id).toBe(String(seq));
    await stream.cancel();
  });

  it("answers a call that may not stream with its typed error as the only event, and ends", async () => {
    const outsider = await createUser();
    const cases: { cookie: string | null; url: string; code: string }[] = [
      { cookie: null, url: eventsUrl({ projectKey: cast.key }), code: "UNAUTHORIZED" },
      { cookie: await sessionCookieFor(outsider.id), url: eventsUrl({ projectKey: cast.key }), code: "NOT_FOUND" },
      {
        cookie: await sessionCookieFor(cast.reporter.id),
        url: eventsUrl({ projectKey: "lower case!" }),
        code: "BAD_REQUEST",
      },
      {
        cookie: await sessionCookieFor(cast.reporter.id),
        url: `${base}/api/trpc/live.events?input=%7Bnot-json`,
        code: "PARSE_ERROR",
      },
    ];
    for (const c of cases) {
      const res = await fetch(c.url, { headers: c.cookie ? { cookie: c.cookie } : {} });
      expect(res.status).toBe(200);
      const stream = framesOf(res.body as ReadableStream<Uint8Array>);
      await stream.done;
      expect(stream.frames[0]?.event, c.url).toBe("connected");
      expect(errorOf(stream.frames)?.data.code, c.url).toBe(c.code);
      expect(stream.messages()).toEqual([]);
    }
  });

  it("takes the last event id from the Last-Event-ID header as well as from the input", async () => {
    const requirement = await callerFor(cast.admin.id).requirement.create({ projectKey: cast.key, title: "Missed" });
    const watcher = await fetch(eventsUrl({ projectKey: cast.key }), {
      headers: { cookie: await sessionCookieFor(cast.maintainer.id) },
    });
    const seen = framesOf(watcher.body as ReadableStream<Uint8Array>);
    await until(() => seen.messages().length > 0);
    await callerFor(cast.admin.id).requirement.update({
      key: requirement.key,
      expectedVersion: 1,
      title: "Missed, then changed",
    });
    await until(() =>
      seen.messages().some((m) => m.message.kind === "change" && m.message.type === "requirement.updated"),
    );
    const seenIds = seen.messages().flatMap((m) => (m.message.kind === "change" ? [m.id] : []));
    const first = Number(seenIds[0]);
    await seen.cancel();

    // A browser that saw everything before the first of those reconnects with that id in the header only.
    const res = await fetch(eventsUrl({ projectKey: cast.key }), {
      headers: { cookie: await sessionCookieFor(cast.maintainer.id), "last-event-id": String(first - 1) },
    });
    const stream = framesOf(res.body as ReadableStream<Uint8Array>);
    await until(() => stream.messages().some((m) => m.message.kind === "notifications"));
    const replayed = stream.messages().filter((m) => m.message.kind === "change");
    expect(replayed.map((m) => m.id)).toEqual(seenIds);
    // The count follows, numbered with the position the stream goes on from.
    const count = stream.messages().find((m) => m.message.kind === "notifications");
    expect(Number(count?.id)).toBeGreaterThanOrEqual(Number(seenIds.at(-1)));
    await stream.cancel();
  });

  it("numbers its first message with where it starts, so a tab that saw no change still resumes from there", async () => {
    const cookie = await sessionCookieFor(cast.maintainer.id);
    const first = framesOf((await fetch(eventsUrl({ projectKey: cast.key }), { headers: { cookie } })).body!);
    await until(() => first.messages().length > 0);
    const opened = first.messages()[0];
    expect(opened?.message.kind).toBe("notifications");
    expect(opened?.id).toMatch(/^\d+$/);
    await first.cancel();

    // While the tab is away (its server restarting), a change happens; another tab sees it go out.
    const watcher = framesOf((await fetch(eventsUrl({ projectKey: cast.key }), { headers: { cookie } })).body!);
    await until(() => watcher.messages().length > 0);
    const requirement = await callerFor(cast.admin.id).requirement.create({
      projectKey: cast.key,
      title: "Made while the tab was away",
    });
    await until(() => watcher.messages().some((m) => m.message.kind === "change" && m.message.key === requirement.key));
    await watcher.cancel();
    const again = framesOf(
      (await fetch(eventsUrl({ projectKey: cast.key }), { headers: { cookie, "last-event-id": opened!.id! } })).body!,
    );
    await until(() => again.messages().some((m) => m.message.kind === "notifications"));
    const replayed = again.messages().filter((m) => m.message.kind === "change");
    expect(replayed.map((m) => m.message.kind === "change" && m.message.key)).toEqual([requirement.key]);
    await again.cancel();
  });

  it("takes a stream off the hub when its connection closes, on the socket and as a fetch Response", async () => {
    const { hub } = getLive();
    const member = await createUser();
    await addMembership(cast.project.id, member.id, "REPORTER");
    const cookie = await sessionCookieFor(member.id);
    const res = await fetch(eventsUrl({ projectKey: cast.key }), { headers: { cookie } });
    const socketStream = framesOf(res.body as ReadableStream<Uint8Array>);
    await until(() => socketStream.messages().length > 0);
    expect(hub.countFor(member.id)).toBe(1);

    const response = await GET(
      new Request(eventsUrl({ projectKey: cast.key }, "http://localhost"), { headers: { cookie } }),
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const fetchStream = framesOf(response.body as ReadableStream<Uint8Array>);
    await until(() => fetchStream.messages().length > 0);
    expect(hub.countFor(member.id)).toBe(2);

    await socketStream.cancel();
    await until(() => hub.countFor(member.id) === 1);
    await fetchStream.cancel();
    await until(() => hub.countFor(member.id) === 0);
  });
});

describe("a reader that falls behind", () => {
  it("skips changes while its buffer is full, then is told to resync from the head, then goes on", async () => {
    const admin = callerFor(cast.admin.id);
    const stream = await openLiveStream({ userId: cast.maintainer.id, projectKey: cast.key, requestId: "behind" });
    const sent: { message: LiveMessage; id?: string }[] = [];
    let full = false;
    let drain: (() => void) | null = null;
    const detach = stream.attach({
      send(message, id) {
        sent.push({ message, id });
        return !full;
      },
      onDrain(fn) {
        drain = fn;
      },
      fail(error) {
        throw error;
      },
    });
    const changes = () => sent.filter((s) => s.message.kind === "change");
    try {
      await until(() => sent.length > 0);
      full = true;
      await admin.requirement.create({ projectKey: cast.key, title: "Fills the buffer" });
      await until(() => changes().length === 1);
      expect(drain).not.toBeNull();
      // Two more while the reader is behind: neither is written.
      await admin.requirement.create({ projectKey: cast.key, title: "Skipped 1" });
      const skipped = await admin.requirement.create({ projectKey: cast.key, title: "Skipped 2" });
      await until(() => getLive().hub.headSeq() > Number(changes()[0]?.id) + 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(changes()).toHaveLength(1);
      expect(sent.some((s) => s.message.kind === "change" && s.message.key === skipped.key)).toBe(false);

      full = false;
      (drain as unknown as () => void)();
      const resync = sent.at(-1);
      expect(resync?.message).toEqual({ kind: "resync", reason: "fell_behind" });
      expect(Number(resync?.id)).toBe(getLive().hub.headSeq());

      const after = await admin.requirement.create({ projectKey: cast.key, title: "After the resync" });
      await until(() => changes().some((s) => s.message.kind === "change" && s.message.key === after.key));
      expect(changes()).toHaveLength(2);
    } finally {
      detach();
    }
  });
});

describe("signals", () => {
  it("a statistics recompute reaches the project's streams; the jobs signal only instance admins' streams", async () => {
    const instanceAdmin = await createUser({ role: "ADMIN" });
    const open = async (userId: string, input: unknown) => {
      const res = await fetch(eventsUrl(input), { headers: { cookie: await sessionCookieFor(userId) } });
      const stream = framesOf(res.body as ReadableStream<Uint8Array>);
      await until(() => stream.messages().length > 0);
      return stream;
    };
    const project = await open(cast.maintainer.id, { projectKey: cast.key });
    const admins = await open(instanceAdmin.id, {});
    const others = await open(cast.maintainer.id, {});
    const kinds = (s: ReturnType<typeof framesOf>) => s.messages().map((m) => m.message.kind);
    try {
      await callerFor(cast.admin.id).stats.refresh({ projectKey: cast.key });
      await until(() => kinds(project).includes("stats"));

      publishSignal({ kind: "jobs" });
      await until(() => kinds(admins).includes("jobs"), 5_000);
      // The same signal went everywhere at once: the others' streams had their chance.
      await new Promise((r) => setTimeout(r, 300));
      expect(kinds(others)).not.toContain("jobs");
      expect(kinds(others)).not.toContain("stats");
      expect(kinds(admins)).not.toContain("stats");
    } finally {
      await Promise.all([project.cancel(), admins.cancel(), others.cancel()]);
    }
  });
});
