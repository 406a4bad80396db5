/**
 * The Inngest serve endpoint (app/api/inngest/route.ts) as the Inngest
 * server sees it: GET describes the app, PUT registers every function with
 * its triggers, and with a signing key set, requests without a valid
 * signature are refused. A stand-in Inngest server on loopback records the
 * registration.
 */
import { createHash, createHmac } from "node:crypto";
import http from "node:http";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const INNGEST_PORT = 3418;
const APP_URL = "http://localhost:3410/api/inngest";

interface Recorded {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const received: Recorded[] = [];
let server: http.Server;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ url: req.url ?? "", headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, modified: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(INNGEST_PORT, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

type Handler = (req: Request, ctx: unknown) => Promise<Response>;

/** Loads the route afresh with the given Inngest variables (the client reads them once). */
async function loadRoute(env: Record<string, string | undefined>) {
  for (const k of ["INNGEST_DEV", "INNGEST_BASE_URL", "INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY"])
    delete process.env[k];
  Object.assign(process.env, env);
  vi.resetModules();
  const { resetEnvCache } = await import("@/lib/env.mjs");
  resetEnvCache();
  const route = await import("@/app/api/inngest/route");
  return route as unknown as { GET: Handler; PUT: Handler; POST: Handler };
}

interface RegisteredFunction {
  id: string;
  triggers: ({ event: string } | { cron: string })[];
  steps: Record<string, { runtime: { url: string }; retries?: { attempts: number } }>;
}

describe("serve endpoint without Inngest configured", () => {
  const refusal = {
    error: { code: "SERVICE_UNAVAILABLE", message: "Background jobs run in-process: Inngest is not configured" },
  };

  it("answers every method 503, registering nothing and running nothing", async () => {
    // A dev flag without the dev server's URL is not a configuration either (inngestConfigured).
    for (const env of [{}, { INNGEST_DEV: "1" }]) {
      const route = await loadRoute(env);
      received.length = 0;
      const calls = [
        route.GET(new Request(APP_URL), undefined),
        route.PUT(new Request(APP_URL, { method: "PUT" }), undefined),
        route.POST(
          new Request(`${APP_URL}?fnId=specline-notify-on-event&stepId=step`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
          }),
          undefined,
        ),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(503);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        expect(await res.json()).toEqual(refusal);
      }
      expect(received).toHaveLength(0);
    }
  });
});

describe("serve endpoint against a dev server", () => {
  it("describes the app on GET and registers every function with its triggers on PUT", async () => {
    const route = await loadRoute({ INNGEST_DEV: "1", INNGEST_BASE_URL: `http://127.0.0.1:${INNGEST_PORT}` });
    const get = await route.GET(new Request(APP_URL), undefined);
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ mode: "dev", function_count: 4, has_signing_key: false });

    received.length = 0;
    const put = await route.PUT(new Request(APP_URL, { method: "PUT" }), undefined);
    expect(put.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe("/fn/register");
    const registration = JSON.parse(received[0]!.body) as {
      appName: string;
      url: string;
      functions: RegisteredFunction[];
    };
    expect(registration).toMatchObject({ appName: "specline", url: APP_URL });
    const byId = Object.fromEntries(registration.functions.map((f) => [f.id, f]));
    expect(Object.keys(byId).sort()).toEqual([
      "specline-aggregate-daily-stats",
      "specline-deliver-webhook",
      "specline-notify-on-event",
      "specline-send-account-mail",
    ]);

    expect(byId["specline-notify-on-event"]!.triggers).toEqual([
      { event: "specline/requirement.*" },
      { event: "specline/issue.*" },
      { event: "specline/traceLink.*" },
      { event: "specline/baseline.*" },
      { event: "specline/project.*" },
    ]);
    expect(byId["specline-deliver-webhook"]!.triggers).toEqual([{ event: "specline/webhook.delivery.requested" }]);
    expect(byId["specline-send-account-mail"]!.triggers).toEqual([
      { event: "specline/account.*" },
      { event: "specline/invitation.created" },
    ]);
    expect(byId["specline-aggregate-daily-stats"]!.triggers).toContainEqual({
      cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/),
    });
    for (const f of registration.functions) {
      expect(Object.values(f.steps)[0]!.runtime.url).toBe(`${APP_URL}?fnId=${f.id}&stepId=step`);
    }
    expect(Object.values(byId["specline-notify-on-event"]!.steps)[0]!.retries).toEqual({ attempts: 5 });
  });
});

describe("serve endpoint with a signing key", () => {
  const signingKey = `signkey-test-${"ab12".repeat(16)}`;
  const keyHash = createHash("sha256")
    .update(Buffer.from("ab12".repeat(16), "hex"))
    .digest("hex");

  function sign(body: string, at = Math.round(Date.now() / 1000)) {
    const mac = createHmac("sha256", "ab12".repeat(16))
      .update(body + at)
      .digest("hex");
    return `t=${at}&s=${mac}`;
  }

  const runRequest = (signature: string | null, body: string) =>
    new Request(`${APP_URL}?fnId=specline-notify-on-event&stepId=step`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(signature ? { "x-inngest-signature": signature } : {}) },
      body,
    });

  /** JSON with keys sorted (RFC 8785 style), which is what the SDK signs. */
  const canonical = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(canonical).join(",")}]`
      : v && typeof v === "object"
        ? `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
            .join(",")}}`
        : JSON.stringify(v);

  const callBody = canonical({
    event: { name: "specline/project.updated", data: {}, id: "00000000-0000-4000-8000-000000000000", ts: Date.now() },
    events: [],
    steps: {},
    ctx: {
      run_id: "run-1",
      attempt: 0,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: [], current: 0 },
    },
    version: 1,
  });

  it("refuses to run a function for a request that is unsigned or signed with another key", async () => {
    const route = await loadRoute({
      INNGEST_SIGNING_KEY: signingKey,
      INNGEST_BASE_URL: `http://127.0.0.1:${INNGEST_PORT}`,
    });
    const unsigned = await route.POST(runRequest(null, callBody), undefined);
    expect(unsigned.status).toBe(401);
    const forged = await route.POST(
      runRequest(`t=${Math.round(Date.now() / 1000)}&s=${"0".repeat(64)}`, callBody),
      undefined,
    );
    expect(forged.status).toBe(401);
    // A signature made for another body does not carry over.
    const replayed = await route.POST(runRequest(sign("{}"), callBody), undefined);
    expect(replayed.status).toBe(401);
    // Signed with the key, the same request gets through to the function.
    const signed = await route.POST(runRequest(sign(callBody), callBody), undefined);
    expect(signed.status).toBe(200);
    // An event without a project notifies nobody: the function returns an empty result.
    expect(await signed.json()).toMatchObject({ watched: 0, notified: 0, webhookDeliveries: 0, failures: [] });
  });

  it("does not describe its functions to an unsigned GET, and registers with the hashed key on PUT", async () => {
    const route = await loadRoute({
      INNGEST_SIGNING_KEY: signingKey,
      INNGEST_BASE_URL: `http://127.0.0.1:${INNGEST_PORT}`,
    });
    const get = await route.GET(new Request(APP_URL), undefined);
    expect(get.status).toBe(401);
    expect(await get.text()).not.toContain("notify-on-event");

    received.length = 0;
    const put = await route.PUT(new Request(APP_URL, { method: "PUT" }), undefined);
    expect(put.status).toBe(200);
    expect(received[0]!.url).toBe("/fn/register");
    expect(received[0]!.headers.authorization).toBe(`Bearer signkey-test-${keyHash}`);
  });
});
