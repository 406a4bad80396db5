/**
 * The line `observe()` ends each request with, and the lines services write while it runs: a request's
 * own line carries the ids its caller handed over (no context lookup, no redaction pass), a failure's line
 * goes through the redacting logger and still names the request, and a service line written inside the
 * request is stamped with the request's ids from its context.
 */
import { describe, expect, it } from "vitest";

import { log } from "@/server/observability/log";
import { observe } from "@/server/observability/observe";

import { captureLogs } from "../helpers/log-capture";

const logs = captureLogs();
const lines = logs.lines;

const request = { kind: "procedure" as const, name: "user.me", method: "GET", requestId: "req-1", userId: "user-1" };

describe("observe", () => {
  it("ends a request with one line carrying its id and user, and stamps service lines inside it", async () => {
    await observe(
      request,
      async () => {
        log.info({ step: "inside" }, "service line");
        return "ok";
      },
      () => ({ status: 200 }),
    );
    const [service, finished = {}] = lines();
    expect(service).toMatchObject({ msg: "service line", step: "inside", requestId: "req-1", userId: "user-1" });
    expect(finished).toMatchObject({
      level: "info",
      msg: "procedure finished",
      requestId: "req-1",
      userId: "user-1",
      procedure: "user.me",
      method: "GET",
      status: 200,
    });
    expect(finished.durationMs).toBeGreaterThanOrEqual(0);
    expect(lines()).toHaveLength(2);
  });

  it("logs a failure at error with its cause, its request id, and secrets in the cause redacted", async () => {
    const failure = Object.assign(new Error("the database went away"), { token: "sl_live_secret_value" });
    await expect(
      observe(
        request,
        async () => {
          throw failure;
        },
        () => ({ status: 200 }),
      ),
    ).rejects.toBe(failure);
    const [line = {}] = lines();
    expect(line).toMatchObject({ level: "error", status: 500, requestId: "req-1", userId: "user-1" });
    expect(line.err).toMatchObject({ message: "the database went away", token: "[redacted]" });
    expect(logs.text()).not.toContain("sl_live_secret_value");
  });

  it("names a user who became known during the request", async () => {
    const { setRequestUser } = await import("@/server/observability/request-context");
    await observe(
      { ...request, kind: "route", name: "health", userId: null },
      async () => {
        setRequestUser("user-2");
        return 204;
      },
      (status) => ({ status }),
    );
    expect(lines()).toEqual([
      expect.objectContaining({ msg: "request finished", route: "health", requestId: "req-1", userId: "user-2" }),
    ]);
  });
});
