/**
 * /admin/system: how this instance and the services it depends on are doing.
 * PostgreSQL, Redis, Inngest, SMTP and S3 are each checked in parallel, each
 * within CHECK_TIMEOUT_MS, and reported as not configured, up, degraded or
 * down with the check's latency; the last failure of each stays in process
 * memory with its time, so the page still shows it after the service
 * recovered. Alongside: the outbox backlog, recent job runs, this instance's
 * traffic over the last 15 minutes, live streams, version and uptime.
 *
 * Nothing secret is shown: connection URLs lose credentials and query
 * strings, and error messages are cleaned the same way (redact-url.ts).
 * Answers are shared for CHECK_TTL_MS, so many open pages (refetching every
 * few seconds) do not open an SMTP connection each.
 */
import os from "node:os";

import { Prisma } from "@prisma/client";
import nodemailer from "nodemailer";

import { type Env, getEnv } from "@/lib/env.mjs";
import { type SERVICE_STATES, SYSTEM_SERVICES } from "@/lib/schemas/system";
import pkg from "@/package.json";
import { db, poolStats } from "@/server/db";
import { liveStatus, liveStreamCount } from "@/server/live/bus";
import { redactSecrets, redactUrl } from "@/server/observability/redact-url";
import { trafficWindow } from "@/server/observability/traffic-window";
import { rateLimitBackend } from "@/server/rate-limit";
import { getRedis } from "@/server/redis";
import { attachmentStorage } from "@/server/services/attachments/storage";
import { listJobRuns } from "@/server/services/job-runs";
import { pingRedis } from "@/server/services/readiness";

export type ServiceName = (typeof SYSTEM_SERVICES)[number];
export type ServiceState = (typeof SERVICE_STATES)[number];

export interface ServiceStatus {
  name: ServiceName;
  state: ServiceState;
  /** What is checked, without credentials (`postgresql://db:5432/specline`). */
  target: string | null;
  latencyMs: number | null;
  /** Why it is degraded or not configured, in a few words. */
  detail: string | null;
  /** The last failure this process saw, kept after recovery. */
  lastError: string | null;
  lastErrorAt: Date | null;
  checkedAt: Date;
}

/** Each check gives up after this long and reports the service down. */
export const CHECK_TIMEOUT_MS = 2_000;
/** Answers are reused for this long. */
const CHECK_TTL_MS = 3_000;
/** Slower than this, a service that answered is degraded. */
const SLOW_MS: Record<ServiceName, number> = { postgres: 500, redis: 250, inngest: 1_000, smtp: 1_500, s3: 1_000 };

interface Probe {
  state?: ServiceState;
  target: string | null;
  detail?: string | null;
  error?: string | null;
  /** Nothing was sent (configured is all there is to know): no latency. */
  unprobed?: boolean;
}

const globalForStatus = globalThis as unknown as {
  specline_service_errors?: Map<ServiceName, { message: string; at: Date }>;
};

function lastErrors() {
  globalForStatus.specline_service_errors ??= new Map();
  return globalForStatus.specline_service_errors;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message || err.name : String(err));

/**
 * Runs one check within the timeout: not configured when `probe` says so,
 * down when it throws or does not finish, degraded when it says so or was
 * slow, up otherwise. Failures are remembered.
 */
async function check(name: ServiceName, probe: (signal: AbortSignal) => Promise<Probe>): Promise<ServiceStatus> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let result: Probe | { thrown: string };
  try {
    result = await Promise.race([
      probe(controller.signal).catch((err: unknown) => ({ thrown: errorText(err) })),
      new Promise<{ thrown: string }>((resolve) => {
        timer = setTimeout(() => resolve({ thrown: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const checkedAt = new Date();
  let status: Omit<ServiceStatus, "lastError" | "lastErrorAt">;
  if ("thrown" in result) {
    status = { name, state: "down", target: null, latencyMs, detail: null, checkedAt };
    lastErrors().set(name, { message: redactSecrets(result.thrown), at: checkedAt });
  } else if (result.state === "not_configured") {
    status = { name, state: "not_configured", target: null, latencyMs: null, detail: result.detail ?? null, checkedAt };
  } else {
    const error = result.error ? redactSecrets(result.error) : null;
    if (error) lastErrors().set(name, { message: error, at: checkedAt });
    const slow = latencyMs > SLOW_MS[name];
    const state: ServiceState = result.state ?? (slow ? "degraded" : "up");
    const detail = result.detail ?? (slow && state === "degraded" ? `slower than ${SLOW_MS[name]} ms` : null);
    status = { name, state, target: result.target, latencyMs: result.unprobed ? null : latencyMs, detail, checkedAt };
  }
  const last = lastErrors().get(name);
  return {
    ...status,
    target: status.target ?? targetOf(name),
    lastError: last?.message ?? null,
    lastErrorAt: last?.at ?? null,
  };
}

/** What each service is, for the card, without credentials. */
function targetOf(name: ServiceName, env: Env = getEnv()): string | null {
  switch (name) {
    case "postgres":
      return env.DATABASE_URL ? redactUrl(env.DATABASE_URL) : null;
    case "redis":
      return env.REDIS_URL ? redactUrl(env.REDIS_URL) : null;
    case "inngest":
      return env.INNGEST_BASE_URL ? redactUrl(env.INNGEST_BASE_URL) : null;
    case "smtp":
      return env.SMTP_URL ? redactUrl(env.SMTP_URL) : null;
    case "s3":
      return env.S3_BUCKET
        ? `${env.S3_BUCKET}${env.S3_ENDPOINT ? ` at ${redactUrl(env.S3_ENDPOINT)}` : ` in ${env.S3_REGION}`}`
        : null;
  }
}

async function checkPostgres(): Promise<Probe> {
  await db.$queryRaw(Prisma.sql`SELECT 1`);
  const pool = poolStats();
  if (pool && pool.waiting > 0) {
    return {
      state: "degraded",
      target: null,
      detail: `${pool.waiting} waiting for a connection (${pool.inUse} of ${pool.max} in use)`,
    };
  }
  return { target: null };
}

async function checkRedis(): Promise<Probe> {
  const redis = getRedis();
  if (!redis)
    return { state: "not_configured", target: null, detail: "Rate limits and live updates stay in this process" };
  const ping = await pingRedis(redis, CHECK_TIMEOUT_MS);
  if (!ping.ok) throw new Error(ping.error);
  if (rateLimitBackend() === "degraded") {
    return {
      state: "degraded",
      target: null,
      detail: "The rate limiter fell back to process memory",
      error: "The rate limiter's last call to Redis failed or was slow",
    };
  }
  if (liveStatus() === "degraded") {
    return {
      state: "degraded",
      target: null,
      detail: "The live-update subscriber is reconnecting",
      error: "The live-update subscriber lost its connection",
    };
  }
  return { target: null };
}

async function checkInngest(signal: AbortSignal, configured: boolean): Promise<Probe> {
  const env = getEnv();
  if (!configured) {
    return { state: "not_configured", target: null, detail: "Background work runs in the server process" };
  }
  // Inngest Cloud: configured is all that can be said without sending an event.
  if (!env.INNGEST_BASE_URL) return { state: "up", target: "Inngest Cloud", detail: "Configured", unprobed: true };
  const res = await fetch(env.INNGEST_BASE_URL, { method: "GET", redirect: "manual", signal });
  await res.body?.cancel();
  if (res.status >= 500) return { state: "degraded", target: null, error: `Inngest answered HTTP ${res.status}` };
  return { target: null };
}

async function checkSmtp(): Promise<Probe> {
  const url = getEnv().SMTP_URL;
  if (!url) return { state: "not_configured", target: null, detail: "Email is written to DATA_DIR/mail" };
  // A transport of its own, bounded and closed afterwards: verify connects, greets and logs in, sends nothing.
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: CHECK_TIMEOUT_MS,
    greetingTimeout: CHECK_TIMEOUT_MS,
    socketTimeout: CHECK_TIMEOUT_MS,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
  return { target: null };
}

async function checkS3(): Promise<Probe> {
  const env = getEnv();
  const probe = attachmentStorage().probe;
  if (!env.S3_BUCKET || !probe) {
    return { state: "not_configured", target: null, detail: "Attachments are stored in DATA_DIR/uploads" };
  }
  await probe(CHECK_TIMEOUT_MS);
  return { target: null };
}

let shared: { env: Env; at: number; answer: Promise<ServiceStatus[]> } | undefined;

/**
 * Every service's state, checked in parallel (or the answer of a check at
 * most CHECK_TTL_MS old). Whether Inngest is configured is the job runner's
 * to say (`inngestConfigured`), so the caller passes it in.
 */
export function checkServices(opts: { inngestConfigured: boolean }): Promise<ServiceStatus[]> {
  const env = getEnv();
  if (shared && shared.env === env && Date.now() - shared.at < CHECK_TTL_MS) return shared.answer;
  const checks: Record<ServiceName, (signal: AbortSignal) => Promise<Probe>> = {
    postgres: checkPostgres,
    redis: checkRedis,
    inngest: (signal) => checkInngest(signal, opts.inngestConfigured),
    smtp: checkSmtp,
    s3: checkS3,
  };
  const answer = Promise.all(SYSTEM_SERVICES.map((name) => check(name, checks[name])));
  shared = { env, at: Date.now(), answer };
  return answer;
}

/** Forgets remembered failures and the shared answer (tests). */
export function resetServiceChecks(): void {
  lastErrors().clear();
  shared = undefined;
}

const startedAt = new Date(Date.now() - process.uptime() * 1000);

/** Reads that need the database answer null when it does not: the page still shows the services. */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  return read.catch(() => null);
}

export interface OutboxSummary {
  mode: "inngest" | "embedded";
  dispatcherRunning: boolean;
  pending: number;
  oldestPendingAgeSeconds: number | null;
  retrying: number;
  failed: number;
}

/**
 * Everything the page shows. The job runner's side — whether Inngest is
 * configured, the outbox's health (server/jobs/outbox-health.ts) — comes
 * from the caller, since services do not import server/jobs.
 */
export async function getSystemStatus(opts: { inngestConfigured: boolean; outbox: Promise<OutboxSummary> }) {
  const [services, outbox, runs] = await Promise.all([
    checkServices({ inngestConfigured: opts.inngestConfigured }),
    orNull(opts.outbox),
    orNull(listJobRuns({ limit: 20 })),
  ]);
  return {
    services,
    outbox: outbox && {
      mode: outbox.mode,
      dispatcherRunning: outbox.dispatcherRunning,
      pending: outbox.pending,
      oldestPendingAgeSeconds: outbox.oldestPendingAgeSeconds,
      retrying: outbox.retrying,
      failed: outbox.failed,
    },
    runs,
    traffic: trafficWindow().summary(50),
    liveStreams: liveStreamCount(),
    instance: {
      version: pkg.version,
      nodeVersion: process.version,
      startedAt,
      uptimeSeconds: Math.round(process.uptime()),
      hostname: os.hostname(),
      pid: process.pid,
    },
  };
}
