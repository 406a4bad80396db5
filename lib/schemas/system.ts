import { z } from "zod";

import { dateTimeOut } from "./common";

/** The services an instance depends on, in the order the system page shows them. */
export const SYSTEM_SERVICES = ["postgres", "redis", "inngest", "smtp", "s3"] as const;
export const SERVICE_STATES = ["not_configured", "up", "degraded", "down"] as const;

/** One dependency as this instance sees it now, and its last failure. */
export const serviceStatusOut = z.object({
  name: z.enum(SYSTEM_SERVICES),
  state: z.enum(SERVICE_STATES),
  /** What was checked, without credentials or query string. */
  target: z.string().nullable(),
  /** How long the check took; null when nothing was sent. */
  latencyMs: z.number().nullable(),
  /** Why it is degraded or not configured. */
  detail: z.string().nullable(),
  /** The last failure this instance saw, kept after the service recovered. */
  lastError: z.string().nullable(),
  lastErrorAt: dateTimeOut.nullable(),
  checkedAt: dateTimeOut,
});

/** A finished run of background work. */
export const jobRunOut = z.object({
  id: z.string(),
  name: z.string(),
  startedAt: dateTimeOut,
  finishedAt: dateTimeOut,
  durationMs: z.number(),
  outcome: z.string(),
  detail: z.string().nullable(),
});

const trafficNumbers = {
  count: z.number(),
  perSecond: z.number(),
  p95Ms: z.number(),
  /** Share of answers with status 500 or above, 0 … 1. */
  serverErrorRate: z.number(),
  /** Share of answers with status 400 … 499, 0 … 1. */
  clientErrorRate: z.number(),
};

/** One procedure's or route's requests on this instance over the window. */
export const trafficRowOut = z.object({
  kind: z.enum(["procedure", "route"]),
  name: z.string(),
  ...trafficNumbers,
});

/** /admin/system: the instance's dependencies, background work, traffic and process. */
export const systemStatusOut = z
  .object({
    services: z.array(serviceStatusOut),
    /** The outbox backlog; null when the database does not answer. */
    outbox: z
      .object({
        mode: z.enum(["inngest", "embedded"]),
        dispatcherRunning: z.boolean(),
        pending: z.number(),
        /** The lag: seconds since the oldest waiting event was written; null when nothing waits. */
        oldestPendingAgeSeconds: z.number().nullable(),
        retrying: z.number(),
        failed: z.number(),
      })
      .nullable(),
    /** The newest 20 job runs; null when the database does not answer. */
    runs: z.array(jobRunOut).nullable(),
    /** This instance's requests over the last 15 minutes (the busiest 50 names). */
    traffic: z.object({
      windowSeconds: z.number(),
      total: z.object(trafficNumbers),
      rows: z.array(trafficRowOut),
    }),
    /** Live update streams open on this instance. */
    liveStreams: z.number(),
    instance: z.object({
      version: z.string(),
      nodeVersion: z.string(),
      startedAt: dateTimeOut,
      uptimeSeconds: z.number(),
      hostname: z.string(),
      pid: z.number(),
    }),
  })
  .meta({ id: "SystemStatus", description: "The instance's dependencies, background work, traffic and process" });
export type SystemStatusOut = z.infer<typeof systemStatusOut>;
