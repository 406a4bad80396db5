/**
 * GET /api/metrics: who may read it (a bearer token when METRICS_TOKEN is
 * set, else loopback as stamped by the server entry, never a header a client
 * can forge), what it exposes, and that the counters move with the work
 * they count: a dispatched outbox event, a refused request, a finished
 * request.
 */
import { randomUUID } from "node:crypto";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { GET } from "@/app/api/metrics/route";
import { resetEnvCache } from "@/lib/env.mjs";
import { CLIENT_ADDRESS_HEADER, CLIENT_ADDRESS_STAMPED } from "@/server/auth/client-ip";
import { db } from "@/server/db";
import { dispatchOnce } from "@/server/jobs/dispatcher";
import { metrics, recordRequest } from "@/server/observability/metrics";
import { checkRateLimit } from "@/server/rate-limit";

import { createProjectWithCast } from "../helpers/factories";

const TOKEN = "metrics-token-for-tests-0123456789abcdef";
const marks = globalThis as Record<symbol, unknown>;
const saved = { ...process.env };

function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
}

function scrape(headers: Record<string, string> = {}) {
  return GET(new Request("http://localhost/api/metrics", { headers }));
}

/** The sample of `name` with exactly these labels in the exposition text, or undefined. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(",");
  for (const line of body.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? "")
      .split(/,(?=\w+=")/)
      .filter(Boolean)
      .sort()
      .join(",");
    if (have === wanted) return Number(m[3]);
  }
  return undefined;
}

async function loopbackScrape(): Promise<string> {
  marks[CLIENT_ADDRESS_STAMPED] = true;
  const res = await scrape({ [CLIENT_ADDRESS_HEADER]: "127.0.0.1" });
  expect(res.status).toBe(200);
  return res.text();
}

beforeAll(() => setEnv({ METRICS_TOKEN: undefined, TRUSTED_PROXIES: undefined }));

afterEach(() => {
  delete marks[CLIENT_ADDRESS_STAMPED];
  setEnv({ METRICS_TOKEN: undefined, TRUSTED_PROXIES: saved.TRUSTED_PROXIES });
});

afterAll(() => setEnv({ METRICS_TOKEN: saved.METRICS_TOKEN }));

describe("with METRICS_TOKEN set", () => {
  it("answers 401 without the token or with a wrong one, from anywhere", async () => {
    setEnv({ METRICS_TOKEN: TOKEN });
    marks[CLIENT_ADDRESS_STAMPED] = true;
    const none = await scrape({ [CLIENT_ADDRESS_HEADER]: "127.0.0.1" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, TOKEN]) {
      expect((await scrape({ authorization })).status, authorization).toBe(401);
    }
  });

  it("answers with the token, from any address", async () => {
    setEnv({ METRICS_TOKEN: TOKEN });
    marks[CLIENT_ADDRESS_STAMPED] = true;
    const res = await scrape({ authorization: `Bearer ${TOKEN}`, [CLIENT_ADDRESS_HEADER]: "203.0.113.7" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(metrics().registry.contentType);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toContain("# TYPE http_server_request_duration_seconds histogram");
  });

  it("rejects a METRICS_TOKEN shorter than 32 characters at start", async () => {
    const { parseEnv } = await import("@/lib/env.mjs");
    expect(() => parseEnv({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
  });
});

describe("without METRICS_TOKEN", () => {
  it("answers a scrape from loopback, as stamped by the server entry", async () => {
    marks[CLIENT_ADDRESS_STAMPED] = true;
    for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
      const res = await scrape({ [CLIENT_ADDRESS_HEADER]: address, "x-forwarded-for": address });
      expect(res.status, address).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("refuses another address, and a loopback connection forwarding a remote client", async () => {
    marks[CLIENT_ADDRESS_STAMPED] = true;
    const remote = await scrape({ [CLIENT_ADDRESS_HEADER]: "203.0.113.7", "x-forwarded-for": "127.0.0.1" });
    expect(remote.status).toBe(403);
    expect(await remote.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    // A proxy on this host: the socket is loopback, but the request is a remote client's.
    expect((await scrape({ [CLIENT_ADDRESS_HEADER]: "127.0.0.1", "x-forwarded-for": "203.0.113.7" })).status).toBe(403);
    setEnv({ TRUSTED_PROXIES: "1" });
    expect((await scrape({ [CLIENT_ADDRESS_HEADER]: "127.0.0.1", "x-forwarded-for": "127.0.0.1" })).status).toBe(403);
  });

  it("refuses forged headers when the process was not started through the server entry", async () => {
    expect((await scrape({ [CLIENT_ADDRESS_HEADER]: "127.0.0.1" })).status).toBe(403);
    expect((await scrape({ "x-forwarded-for": "127.0.0.1" })).status).toBe(403);
    expect((await scrape({ "x-real-ip": "127.0.0.1", forwarded: "for=127.0.0.1" })).status).toBe(403);
    expect((await scrape()).status).toBe(403);
  });
});

describe("what it exposes", () => {
  it("lists every metric family, with the pool and the outbox read at scrape time", async () => {
    await createProjectWithCast();
    const pending = await db.outboxEvent.count({ where: { dispatchedAt: null, failedAt: null } });
    expect(pending).toBeGreaterThan(0);
    const body = await loopbackScrape();
    const families: [string, string][] = [
      ["http_server_request_duration_seconds", "histogram"],
      ["specline_db_pool_connections_in_use", "gauge"],
      ["specline_db_pool_connections_idle", "gauge"],
      ["specline_db_pool_connections_max", "gauge"],
      ["specline_db_pool_waiting", "gauge"],
      ["specline_outbox_pending", "gauge"],
      ["specline_outbox_oldest_age_seconds", "gauge"],
      ["specline_outbox_dispatched_total", "counter"],
      ["specline_outbox_dispatch_failures_total", "counter"],
      ["specline_webhook_deliveries_total", "counter"],
      ["specline_notification_sends_total", "counter"],
      ["specline_rate_limit_rejections_total", "counter"],
      ["specline_live_streams", "gauge"],
      ["specline_import_jobs_total", "counter"],
      ["process_resident_memory_bytes", "gauge"],
      ["nodejs_eventloop_lag_p99_seconds", "gauge"],
    ];
    for (const [name, type] of families) {
      expect(body, name).toMatch(new RegExp(`^# HELP ${name} \\S`, "m"));
      expect(body, name).toContain(`# TYPE ${name} ${type}`);
    }
    expect(sample(body, "specline_outbox_pending")).toBe(pending);
    expect(sample(body, "specline_outbox_oldest_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(body, "specline_db_pool_connections_max")).toBeGreaterThanOrEqual(1);
    expect(sample(body, "specline_db_pool_connections_in_use")).toBeGreaterThanOrEqual(0);
    expect(sample(body, "specline_db_pool_waiting")).toBe(0);
    expect(sample(body, "specline_live_streams")).toBe(0);
  });

  it("counts dispatched outbox events", async () => {
    await createProjectWithCast();
    const before = sample(await loopbackScrape(), "specline_outbox_dispatched_total") ?? 0;
    let dispatched = 0;
    for (;;) {
      const tick = await dispatchOnce({ batchSize: 100, mode: "embedded" });
      dispatched += tick.dispatched;
      if (tick.claimed === 0) break;
    }
    expect(dispatched).toBeGreaterThan(0);
    const body = await loopbackScrape();
    expect(sample(body, "specline_outbox_dispatched_total")).toBe(before + dispatched);
    expect(sample(body, "specline_outbox_pending")).toBe(0);
    expect(sample(body, "specline_outbox_oldest_age_seconds")).toBe(0);
  });

  it("counts a request refused with TOO_MANY_REQUESTS, by bucket", async () => {
    setEnv({ RATE_LIMIT_REGISTER_PER_HOUR: "1", RATE_LIMITS: "on" });
    try {
      const before = sample(await loopbackScrape(), "specline_rate_limit_rejections_total", { bucket: "register" });
      const caller = { userId: null, ip: `metrics-test-${randomUUID()}` };
      expect((await checkRateLimit(["register"], caller))?.allowed).toBe(true);
      expect((await checkRateLimit(["register"], caller))?.allowed).toBe(false);
      const after = sample(await loopbackScrape(), "specline_rate_limit_rejections_total", { bucket: "register" });
      expect(after).toBe((before ?? 0) + 1);
    } finally {
      setEnv({ RATE_LIMIT_REGISTER_PER_HOUR: saved.RATE_LIMIT_REGISTER_PER_HOUR, RATE_LIMITS: saved.RATE_LIMITS });
    }
  });

  it("samples request durations recorded by the request path", async () => {
    const name = `metrics.test.${randomUUID().slice(0, 8)}`;
    recordRequest({ kind: "procedure", name, method: "POST", status: 200, seconds: 0.3 });
    const body = await loopbackScrape();
    const labels = { kind: "procedure", name, method: "POST", status: "200" };
    expect(sample(body, "http_server_request_duration_seconds_count", labels)).toBe(1);
    expect(sample(body, "http_server_request_duration_seconds_sum", labels)).toBeCloseTo(0.3);
    expect(sample(body, "http_server_request_duration_seconds_bucket", { ...labels, le: "0.25" })).toBe(0);
    expect(sample(body, "http_server_request_duration_seconds_bucket", { ...labels, le: "0.5" })).toBe(1);
  });
});
