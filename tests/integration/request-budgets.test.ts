/**
 * Request budgets over the real tRPC HTTP handler: every call counts against
 * `api`, search and other expensive procedures against `expensive` too, a
 * batch counts each call, anonymous callers are counted per address, and a
 * refusal is 429 with Retry-After and the RateLimit headers. With Redis: the
 * budget is shared by two app processes, and when Redis dies mid-test the
 * processes keep serving and limiting in memory.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sessionCookieFor } from "../helpers/session";

// Small budgets for this file only (the test setup gives every other file budgets no test reaches).
process.env.RATE_LIMIT_API_PER_MINUTE = "5";
process.env.RATE_LIMIT_EXPENSIVE_PER_MINUTE = "2";
const { resetEnvCache } = await import("@/lib/env.mjs");
resetEnvCache();

const { createUser, uniqueProjectKey } = await import("../helpers/factories");
const trpcRoute = await import("@/app/api/trpc/[trpc]/route");
const { createCaller } = await import("@/server/api/root");
const { createContextInner } = await import("@/server/api/trpc");

const root = path.resolve(import.meta.dirname, "../..");

/** Readiness as the module registry of the moment sees it (tests here reset modules to swap Redis). */
async function checkReadinessFresh() {
  return (await import("@/server/services/readiness")).checkReadiness();
}
const redisUrl = process.env.TEST_REDIS_URL;

async function get(procedures: string, cookie: string, input = "") {
  const res = await trpcRoute.GET(
    new Request(`http://localhost/api/trpc/${procedures}${input}`, { headers: { cookie } }),
  );
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

describe("request budgets (process memory)", () => {
  it("answers 429 with Retry-After and the RateLimit headers once a user's budget is spent", async () => {
    const cookie = await sessionCookieFor((await createUser()).id);
    for (let i = 1; i <= 5; i++) {
      const ok = await get("user.me", cookie);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("ratelimit-policy")).toBe('"api";q=5;w=60');
      expect(ok.headers.get("ratelimit")).toMatch(new RegExp(`^"api";r=${5 - i};t=\\d+$`));
    }
    const refused = await get("user.me", cookie);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(refused.headers.get("ratelimit")).toMatch(/^"api";r=0;t=\d+$/);
    expect(refused.body).toMatchObject({ error: { json: { data: { code: "TOO_MANY_REQUESTS" } } } });
    // Another user is not affected.
    expect((await get("user.me", await sessionCookieFor((await createUser()).id))).status).toBe(200);
  });

  it("counts every call of a batch", async () => {
    const cookie = await sessionCookieFor((await createUser()).id);
    const batch = await get(Array(10).fill("user.me").join(","), cookie, "?batch=1");
    const codes = (batch.body as { result?: unknown; error?: { json: { data: { code: string } } } }[]).map(
      (r) => r.error?.json.data.code ?? "ok",
    );
    expect(codes.filter((c) => c === "ok")).toHaveLength(5);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(5);
  });

  it("gives search its own smaller budget inside the api one", async () => {
    const cookie = await sessionCookieFor((await createUser()).id);
    const input = `?input=${encodeURIComponent(JSON.stringify({ json: { q: "anything" } }))}`;
    expect((await get("search.query", cookie, input)).status).toBe(200);
    expect((await get("search.query", cookie, input)).status).toBe(200);
    const refused = await get("search.query", cookie, input);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("ratelimit-policy")).toBe('"expensive";q=2;w=60');
    // Ordinary calls still have budget left.
    expect((await get("user.me", cookie)).status).toBe(200);
  });

  it("limits project creation by the hour", async () => {
    process.env.RATE_LIMIT_CREATE_PER_HOUR = "2";
    resetEnvCache();
    try {
      const creator = createCaller(createContextInner({ userId: (await createUser()).id }));
      const create = (key: string) => creator.project.create({ key, name: key });
      await create(uniqueProjectKey());
      await create(uniqueProjectKey());
      await expect(create(uniqueProjectKey())).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    } finally {
      process.env.RATE_LIMIT_CREATE_PER_HOUR = "1000000";
      resetEnvCache();
    }
  });

  it("counts anonymous callers per client address", async () => {
    const anonymous = (ip: string) => createCaller(createContextInner({ userId: null, ip }));
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(
        await anonymous("198.51.100.7")
          .user.me()
          .then(
            () => "ok",
            (err: { code: string }) => err.code,
          ),
      );
    }
    expect(outcomes).toEqual([...Array(5).fill("UNAUTHORIZED"), "TOO_MANY_REQUESTS"]);
    await expect(anonymous("198.51.100.8").user.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

describe.runIf(redisUrl)("request budgets (Redis)", () => {
  it("shares one budget between two app processes on one Redis", async () => {
    const userId = `shared-${Date.now()}`;
    const run = () =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "tests/helpers/rate-limit-worker.ts", userId, "8"], {
        cwd: root,
        env: {
          ...process.env,
          REDIS_URL: redisUrl,
          RATE_LIMIT_API_PER_MINUTE: "10",
          // A loaded machine must not turn a slow answer into a per-process count here.
          RATE_LIMIT_REDIS_TIMEOUT_MS: "2000",
        },
      }).then(({ stdout }) => (JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { allowed: number }).allowed);
    const [a, b] = await Promise.all([run(), run()]);
    expect(a + b).toBe(10);
  }, 60_000);

  describe("when Redis dies", () => {
    let server: ChildProcess | undefined;
    let port: number;

    const startRedis = async () => {
      server = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        {
          stdio: "ignore",
        },
      );
      const deadline = Date.now() + 10_000;
      for (;;) {
        const up = await new Promise<boolean>((resolve) => {
          const socket = net.connect(port, "127.0.0.1", () => {
            socket.end();
            resolve(true);
          });
          socket.on("error", () => resolve(false));
        });
        if (up) break;
        if (Date.now() > deadline) throw new Error("redis-server did not start");
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    beforeAll(async () => {
      port = await freePort();
      await startRedis();
    });

    afterAll(() => {
      server?.kill("SIGKILL");
    });

    it("keeps serving and limiting in process memory while Redis is away, says so in readiness, and shares limits again once it is back", async () => {
      vi.resetModules();
      (globalThis as { specline_redis?: unknown }).specline_redis = undefined;
      process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
      // A loaded machine must not send a slow call to memory before Redis dies; after, the lost connection does.
      process.env.RATE_LIMIT_REDIS_TIMEOUT_MS = "1000";
      resetEnvCache();
      try {
        const { checkRateLimit, rateLimitBackend } = await import("@/server/rate-limit");
        const { checkReadiness } = await import("@/server/services/readiness");
        const { getRedis } = await import("@/server/redis");
        const caller = { userId: `dies-${Date.now()}`, ip: null };
        const allowed = async (n: number) => {
          let count = 0;
          for (let i = 0; i < n; i++) if ((await checkRateLimit(["api"], caller))?.allowed) count++;
          return count;
        };
        expect(await allowed(3)).toBe(3);
        expect((await getRedis()?.keys("specline:rl:api-api*"))?.length).toBeGreaterThan(0);
        expect(rateLimitBackend()).toBe("redis");
        expect((await checkReadiness()).redis).toBe("up");

        server?.kill("SIGKILL");
        await new Promise((r) => setTimeout(r, 200));
        // Still answering, never throwing; this process now counts on its own, so the budget starts over.
        expect(await allowed(7)).toBe(5);
        expect(rateLimitBackend()).toBe("degraded");
        const readiness = await checkReadiness();
        expect(readiness).toMatchObject({ status: "ready", redis: "degraded" });

        // Redis returns (empty): the client reconnects by itself and, after the retry pause, limits are shared again.
        await startRedis();
        const until = Date.now() + 15_000;
        while (rateLimitBackend() !== "redis" && Date.now() < until) {
          await allowed(1);
          await new Promise((r) => setTimeout(r, 250));
        }
        expect(rateLimitBackend()).toBe("redis");
        expect((await getRedis()?.keys("specline:rl:api-api*"))?.length).toBeGreaterThan(0);
        expect(await checkReadiness()).toMatchObject({ status: "ready", redis: "up" });
        getRedis()?.disconnect();
      } finally {
        (globalThis as { specline_redis?: unknown }).specline_redis = undefined;
        delete process.env.REDIS_URL;
        delete process.env.RATE_LIMIT_REDIS_TIMEOUT_MS;
        resetEnvCache();
      }
    });

    it("keeps live streams fed from the database while Redis is away and resubscribes when it is back", async () => {
      vi.resetModules();
      const globals = globalThis as { specline_redis?: unknown; specline_live?: unknown };
      globals.specline_redis = undefined;
      globals.specline_live = undefined;
      process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
      resetEnvCache();
      const { getLive, liveStatus, stopLive } = await import("@/server/live/bus");
      const { getRedis } = await import("@/server/redis");
      const { db } = await import("@/server/db");
      const { createProjectWithCast, callerFor } = await import("../helpers/factories");
      const waitFor = async (check: () => boolean, ms = 15_000) => {
        const deadline = Date.now() + ms;
        while (!check()) {
          if (Date.now() > deadline) throw new Error("timed out");
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      try {
        const cast = await createProjectWithCast();
        const { hub } = getLive();
        const seen: (string | null)[] = [];
        const remove = hub.add({
          projectId: cast.project.id,
          userId: cast.admin.id,
          onChange: (c) => seen.push(c.key),
          onUser: () => {},
        });
        await hub.start();
        await waitFor(() => liveStatus() === "up");
        /** A change another instance committed and numbered: it reaches this hub by Redis or from the database. */
        const elsewhere = async (title: string) => {
          const created = await callerFor(cast.admin.id).requirement.create({ projectKey: cast.key, title });
          await db.$executeRaw`
            UPDATE "OutboxEvent" SET "dispatchedAt" = now(), seq = nextval('"OutboxEvent_seq_seq"')
            WHERE "dispatchedAt" IS NULL`;
          return created.key;
        };

        server?.kill("SIGKILL");
        await waitFor(() => liveStatus() === "degraded");
        const whileAway = await elsewhere("While Redis is away");
        // Nobody published it; the hub reads the database every second while its channel is down.
        await waitFor(() => seen.includes(whileAway), 5_000);

        await startRedis();
        await waitFor(() => liveStatus() === "up");
        expect((await checkReadinessFresh()).live).toBe("up");
        remove();
      } finally {
        await stopLive();
        getRedis()?.disconnect();
        globals.specline_redis = undefined;
        delete process.env.REDIS_URL;
        resetEnvCache();
      }
    });
  });
});
