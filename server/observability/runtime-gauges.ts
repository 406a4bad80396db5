/**
 * Gauges read when Prometheus scrapes, not kept up to date on every change:
 * the database pool, the outbox backlog (one aggregate query) and the live
 * streams open on this instance. Kept apart from metrics.ts, which every
 * request path imports, because reading them pulls in the database client,
 * the jobs and the live hub.
 */
import type client from "prom-client";
import { Gauge } from "prom-client";

import { poolStats } from "@/server/db";
import { getOutboxBacklog } from "@/server/jobs/outbox-health";
import { liveStreamCount } from "@/server/live/bus";
import { metrics } from "@/server/observability/metrics";

/** Registers the gauges on the registry once; later calls return it as is. */
export function registryWithRuntimeGauges(): client.Registry {
  const { registry } = metrics();
  if (registry.getSingleMetric("specline_live_streams")) return registry;

  const pool = (name: string, help: string, read: (s: NonNullable<ReturnType<typeof poolStats>>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        // Before the first query there is no pool yet: no sample rather than a made-up zero.
        const stats = poolStats();
        if (stats) this.set(read(stats));
        else this.reset();
      },
    });
  pool("specline_db_pool_connections_in_use", "Database connections checked out of the pool", (s) => s.inUse);
  pool("specline_db_pool_connections_idle", "Open database connections waiting in the pool", (s) => s.idle);
  pool("specline_db_pool_connections_max", "The most connections the pool opens", (s) => s.max);
  pool("specline_db_pool_waiting", "Callers waiting for a database connection", (s) => s.waiting);

  // Both outbox gauges come from one query per scrape: a scrape calls every collect before awaiting any, so
  // the second finds the first one's query in flight.
  let backlog: Promise<Awaited<ReturnType<typeof getOutboxBacklog>> | null> | null = null;
  const readBacklog = () => {
    backlog ??= getOutboxBacklog()
      .catch(() => null)
      .finally(() => {
        backlog = null;
      });
    return backlog;
  };
  new Gauge({
    name: "specline_outbox_pending",
    help: "Outbox events waiting to be dispatched (the whole instance group's table: the same on every instance)",
    registers: [registry],
    async collect() {
      // The database does not answer: no sample, and the rest of the scrape still renders.
      const b = await readBacklog();
      if (b) this.set(b.pending);
      else this.reset();
    },
  });
  new Gauge({
    name: "specline_outbox_oldest_age_seconds",
    help: "Age of the oldest outbox event waiting to be dispatched; 0 when none waits",
    registers: [registry],
    async collect() {
      const b = await readBacklog();
      if (b) this.set(b.oldestPendingAgeSeconds ?? 0);
      else this.reset();
    },
  });

  new Gauge({
    name: "specline_live_streams",
    help: "Live update streams open on this instance",
    registers: [registry],
    collect() {
      this.set(liveStreamCount());
    },
  });
  return registry;
}
