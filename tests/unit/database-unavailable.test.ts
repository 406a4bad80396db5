/**
 * Which failures mean "the database is away" (SERVICE_UNAVAILABLE, retry
 * later) and which are bugs or domain errors, as the pg driver, the driver
 * adapter and Prisma report them.
 */
import { describe, expect, it } from "vitest";

import { isDatabaseUnavailable, toAppError } from "@/server/errors";
import { nextAggregationAt, type SideWorkState } from "@/server/jobs/dispatcher";

const pgError = (code: string, message = "server said no") =>
  Object.assign(new Error(message), { code, severity: "FATAL" });
const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code}`), { code, syscall: "connect", errno: -1 });
/** Prisma's error from the driver adapter, carrying the original as the adapter saw it. */
const prismaError = (code: string, driverAdapterError: unknown) =>
  Object.assign(new Error("Invalid invocation"), { code, meta: { driverAdapterError } });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["connection refused", socketError("ECONNREFUSED")],
    ["connection reset", socketError("ECONNRESET")],
    ["administrator shutdown (57P01)", pgError("57P01", "terminating connection due to administrator command")],
    ["crash shutdown (57P02)", pgError("57P02")],
    ["starting up (57P03)", pgError("57P03", "the database system is starting up")],
    ["too many connections (53300)", pgError("53300")],
    ["connection exception class 08", pgError("08006")],
    ["pg: terminated unexpectedly", new Error("Connection terminated unexpectedly")],
    ["pg-pool: no connection in time", new Error("timeout exceeded when trying to connect")],
    ["pg: client-side timeout", new Error("Query read timeout")],
    ["pg: closed client", new Error("Client was closed and is not queryable")],
    ["adapter: not reachable", prismaError("P1001", { cause: { kind: "DatabaseNotReachable" } })],
    ["adapter: closed", prismaError("P1017", { cause: { kind: "ConnectionClosed" } })],
    ["adapter: SQLSTATE inside", prismaError("P2010", { cause: { kind: "postgres", originalCode: "57P01" } })],
    ["wrapped in a cause", new Error("step failed", { cause: socketError("ECONNREFUSED") })],
  ])("%s is unavailability", (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(toAppError(err)).toMatchObject({ code: "SERVICE_UNAVAILABLE", details: { reason: "database_unavailable" } });
  });

  it.each([
    [
      "a unique violation",
      prismaError("P2002", { cause: { kind: "UniqueConstraintViolation", originalCode: "23505" } }),
    ],
    ["a statement past its budget (57014)", pgError("57014", "canceling statement due to statement timeout")],
    ["a syntax error", pgError("42601", "syntax error at or near")],
    ["a bug", new TypeError("Cannot read properties of undefined")],
    ["a string", "Connection"],
    ["nothing", null],
  ])("%s is not", (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });

  it("stops following causes after a few levels (a cyclic cause cannot loop)", () => {
    const a: Error & { cause?: unknown } = new Error("a");
    a.cause = a;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});

describe("aggregation schedule", () => {
  it("runs every 30 minutes, retries a failed run after 1, 2, 4 … minutes, never later than the regular run", () => {
    const state: SideWorkState = { nextAggregationAt: 0, aggregationFailures: 0 };
    const now = 1_000_000;
    const minutes = (at: number) => (at - now) / 60_000;
    expect(minutes(nextAggregationAt(state, true, now))).toBe(30);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => minutes(nextAggregationAt(state, false, now)))).toEqual([
      1, 2, 4, 8, 16, 30, 30,
    ]);
    expect(minutes(nextAggregationAt(state, true, now))).toBe(30);
    expect(state.aggregationFailures).toBe(0);
    expect(minutes(nextAggregationAt(state, false, now))).toBe(1);
  });
});
