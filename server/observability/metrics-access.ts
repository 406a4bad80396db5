/**
 * Who may read `GET /api/metrics`.
 *
 *   - METRICS_TOKEN set: a request with `Authorization: Bearer <METRICS_TOKEN>`,
 *     from anywhere (compared in constant time); anything else is
 *     "unauthorized" (401).
 *   - METRICS_TOKEN unset: only a scraper on this machine, as far as the server
 *     can vouch for it: the socket address stamped by the server entry is a
 *     loopback address, no proxy of ours stands in front (TRUSTED_PROXIES=0,
 *     where a proxy on the same host would make every client look local), and
 *     no X-Forwarded-For hop names another machine. Without the server entry's
 *     mark (`next dev`, `node server.js`) nothing is vouched for. Anything else
 *     is "forbidden" (403).
 */
import { createHash, timingSafeEqual } from "node:crypto";

import { getEnv } from "@/lib/env.mjs";
import { normalizeAddress, socketAddress } from "@/server/auth/client-ip";

export type MetricsAccess = "allowed" | "unauthorized" | "forbidden";

export function isLoopback(address: string | null): boolean {
  if (!address) return false;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/** Equal strings, in time that does not depend on where they differ (digests make the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function metricsAccess(headers: Headers, env = getEnv()): MetricsAccess {
  if (env.METRICS_TOKEN) {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
    return match?.[1] && sameSecret(match[1], env.METRICS_TOKEN) ? "allowed" : "unauthorized";
  }
  if (env.TRUSTED_PROXIES > 0 || !isLoopback(socketAddress(headers))) return "forbidden";
  // Next fills X-Forwarded-For with the socket address when a request has none; a proxy on this host that
  // forwards a remote client's request adds that client's address.
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((hop) => hop.trim());
  const remoteHop = hops.some((hop) => hop !== "" && !isLoopback(normalizeAddress(hop)));
  return remoteHop ? "forbidden" : "allowed";
}
