/**
 * jobs.system, the /admin/system data, against a real database: each service's state (PostgreSQL up with a
 * latency; Redis up with TEST_REDIS_URL, else not configured; SMTP, S3 and Inngest not configured by
 * default, down with the reason and no credentials when they point at nothing, the last failure kept after
 * recovery), this instance's traffic, recent job runs written by imports and the statistics run and pruned
 * to the newest 500, and instance admins only.
 */
import { createServer, type Server } from "node:http";
import net from "node:net";

import { strToU8 } from "fflate";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { importForm } from "@/lib/schemas/import";
import { db } from "@/server/db";
import { createImportJob, runImportJob } from "@/server/services/imports/import-jobs";
import { JOB_RUNS_KEPT, recordJobRun } from "@/server/services/job-runs";
import { runScheduledAggregation } from "@/server/services/stats/aggregate-daily-stats";
import { resetServiceChecks } from "@/server/services/system-status";

import { callerFor, createProjectWithCast, createUser, expectTRPCError, projectScopeFor } from "../helpers/factories";

const redisUrl = process.env.TEST_REDIS_URL;
const saved = { ...process.env };
const CHANGED = [
  "REDIS_URL",
  "RATE_LIMIT_REDIS_TIMEOUT_MS",
  "SMTP_URL",
  "S3_BUCKET",
  "S3_ENDPOINT",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
  "S3_FORCE_PATH_STYLE",
  "INNGEST_DEV",
  "INNGEST_BASE_URL",
  "INNGEST_EVENT_KEY",
  "INNGEST_SIGNING_KEY",
];

function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

let admin: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  admin = await createUser({ role: "ADMIN" });
  const clear = Object.fromEntries(CHANGED.map((k) => [k, undefined]));
  setEnv({ ...clear, ...(redisUrl ? { REDIS_URL: redisUrl, RATE_LIMIT_REDIS_TIMEOUT_MS: "2000" } : {}) });
  (globalThis as { specline_redis?: unknown }).specline_redis = undefined;
});

afterEach(() => resetServiceChecks());

afterAll(async () => {
  const { getRedis } = await import("@/server/redis");
  getRedis()?.disconnect();
  (globalThis as { specline_redis?: unknown }).specline_redis = undefined;
  setEnv(Object.fromEntries(CHANGED.map((k) => [k, saved[k]])));
});

async function system() {
  return callerFor(admin.id).jobs.system();
}

function service(status: Awaited<ReturnType<typeof system>>, name: string) {
  const found = status.services.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} in the answer`);
  return found;
}

describe("jobs.system: services", () => {
  it("reports PostgreSQL up with a latency, Redis as configured, and the rest not configured", async () => {
    const status = await system();
    expect(status.services.map((s) => s.name)).toEqual(["postgres", "redis", "inngest", "smtp", "s3"]);

    const pg = service(status, "postgres");
    expect(pg.state).toBe("up");
    expect(pg.latencyMs).toBeGreaterThan(0);
    expect(pg.lastError).toBeNull();
    // The target never carries a password or the query string.
    expect(pg.target ?? "").not.toMatch(/@|\?/);

    const redis = service(status, "redis");
    if (redisUrl) {
      expect(redis.state).toBe("up");
      expect(redis.latencyMs).toBeGreaterThan(0);
    } else {
      expect(redis.state).toBe("not_configured");
      expect(redis.latencyMs).toBeNull();
    }

    for (const name of ["inngest", "smtp", "s3"]) {
      expect(service(status, name)).toMatchObject({ state: "not_configured", latencyMs: null, lastError: null });
    }
    expect(status.liveStreams).toBe(0);
    expect(status.instance.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(status.instance.nodeVersion).toBe(process.version);
    expect(status.instance.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(status.outbox).toMatchObject({ pending: expect.any(Number), failed: expect.any(Number) });
  });

  it("shows an SMTP server that does not answer as down, with the error and without credentials", async () => {
    const port = await closedPort();
    setEnv({ SMTP_URL: `smtp://mailer:SMTP-SECRET-pw@127.0.0.1:${port}` });
    try {
      const smtp = service(await system(), "smtp");
      expect(smtp.state).toBe("down");
      expect(smtp.target).toBe(`smtp://127.0.0.1:${port}`);
      expect(smtp.lastError).toMatch(/ECONNREFUSED|connect/i);
      expect(smtp.lastErrorAt).toBeInstanceOf(Date);
      expect(JSON.stringify(smtp)).not.toContain("SMTP-SECRET-pw");
      expect(JSON.stringify(smtp)).not.toContain("mailer");
    } finally {
      setEnv({ SMTP_URL: undefined });
    }
  });

  it("checks an S3 bucket with a signed HEAD: up, then refused, and remembers the failure after recovery", async () => {
    let answer = 200;
    const seen: { method?: string; url?: string; auth?: string }[] = [];
    const store: Server = createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization });
      res.writeHead(answer).end();
    });
    await new Promise<void>((resolve) => store.listen(0, "127.0.0.1", resolve));
    const { port } = store.address() as net.AddressInfo;
    setEnv({
      S3_BUCKET: "specline-test",
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY_ID: "AKIDTEST",
      S3_SECRET_ACCESS_KEY: "S3-SECRET-key",
      S3_FORCE_PATH_STYLE: "true",
    });
    try {
      const up = service(await system(), "s3");
      expect(up).toMatchObject({ state: "up", target: `specline-test at http://127.0.0.1:${port}`, lastError: null });
      expect(seen[0]).toMatchObject({ method: "HEAD", url: "/specline-test" });
      expect(seen[0]?.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\//);

      answer = 403;
      resetServiceChecks();
      resetEnvCache();
      const refused = service(await system(), "s3");
      expect(refused.state).toBe("down");
      expect(refused.lastError).toBe("access denied (HTTP 403)");

      answer = 200;
      resetEnvCache();
      const recovered = service(await system(), "s3");
      expect(recovered.state).toBe("up");
      expect(recovered.lastError).toBe("access denied (HTTP 403)");
      expect(JSON.stringify(recovered)).not.toContain("S3-SECRET-key");
    } finally {
      await new Promise<void>((resolve) => store.close(() => resolve()));
      setEnv({
        S3_BUCKET: undefined,
        S3_ENDPOINT: undefined,
        S3_ACCESS_KEY_ID: undefined,
        S3_SECRET_ACCESS_KEY: undefined,
        S3_FORCE_PATH_STYLE: undefined,
      });
    }
  });

  it("reports an Inngest server that does not answer as down, and Inngest Cloud as configured", async () => {
    const port = await closedPort();
    setEnv({ INNGEST_DEV: "1", INNGEST_BASE_URL: `http://127.0.0.1:${port}` });
    try {
      expect(service(await system(), "inngest")).toMatchObject({
        state: "down",
        target: `http://127.0.0.1:${port}`,
        lastError: expect.any(String),
      });
      setEnv({ INNGEST_DEV: undefined, INNGEST_BASE_URL: undefined, INNGEST_EVENT_KEY: "test-event-key" });
      expect(service(await system(), "inngest")).toMatchObject({
        state: "up",
        target: "Inngest Cloud",
        latencyMs: null,
      });
    } finally {
      setEnv({ INNGEST_DEV: undefined, INNGEST_BASE_URL: undefined, INNGEST_EVENT_KEY: undefined });
    }
  });
});

describe("jobs.system: traffic and job runs", () => {
  it("counts this instance's procedure calls", async () => {
    const user = await createUser();
    const caller = callerFor(user.id);
    for (let i = 0; i < 3; i++) await caller.notification.unreadCount();
    const { traffic } = await system();
    const row = traffic.rows.find((r) => r.name === "notification.unreadCount");
    expect(row).toMatchObject({ kind: "procedure", serverErrorRate: 0, clientErrorRate: 0 });
    expect(row?.count).toBeGreaterThanOrEqual(3);
    expect(row?.perSecond).toBeGreaterThan(0);
    expect(row?.p95Ms).toBeGreaterThan(0);
    expect(traffic.total.count).toBeGreaterThanOrEqual(row?.count ?? 0);
  });

  it("records an import that finished and a statistics run, newest first", async () => {
    const cast = await createProjectWithCast();
    const scope = await projectScopeFor(cast.admin.id, cast.key);
    const { jobId } = await createImportJob({
      scope,
      form: importForm.parse({ projectKey: cast.key }),
      filename: "system-page.csv",
      bytes: strToU8("Title\nOne\nTwo\n"),
    });
    await runImportJob(jobId);
    expect((await db.importJob.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("SUCCEEDED");
    const result = await runScheduledAggregation();
    expect(result.skipped).toBe(false);

    const { runs } = await system();
    expect(runs?.[0]).toMatchObject({ name: "aggregation", outcome: "succeeded" });
    const imported = runs?.find((r) => r.name === "import" && r.detail?.includes("system-page.csv"));
    expect(imported).toMatchObject({ outcome: "succeeded" });
    expect(imported?.detail).toContain("2 created");
    expect(imported?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("keeps the newest 500 runs and shows 20", async () => {
    const base = Date.now() - 86_400_000;
    await db.jobRun.createMany({
      data: Array.from({ length: JOB_RUNS_KEPT + 10 }, (_, i) => ({
        name: "retention",
        startedAt: new Date(base + i * 1000),
        finishedAt: new Date(base + i * 1000 + 5),
        durationMs: 5,
        outcome: "succeeded",
      })),
    });
    const now = new Date();
    await recordJobRun({ name: "retention", startedAt: now, finishedAt: now, outcome: "failed", detail: "newest" });
    expect(await db.jobRun.count()).toBe(JOB_RUNS_KEPT);
    const { runs } = await system();
    expect(runs).toHaveLength(20);
    expect(runs?.[0]).toMatchObject({ outcome: "failed", detail: "newest" });
  });
});

describe("jobs.system: access", () => {
  it("is for instance admins only", async () => {
    const user = await createUser();
    await expectTRPCError(callerFor(user.id).jobs.system(), "FORBIDDEN");
    await expectTRPCError(callerFor(null).jobs.system(), "UNAUTHORIZED");
  });
});
