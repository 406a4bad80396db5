/**
 * A service's PermanentFailure, as the Inngest functions see it: the client's
 * middleware turns it into NonRetriableError (so Inngest stops retrying) and
 * leaves every other error alone.
 */
import { InngestTestEngine } from "@inngest/test";
import { NonRetriableError } from "inngest";
import { describe, expect, it } from "vitest";

import { AppError, isPermanentFailure, PermanentFailure } from "@/server/errors";
import { inngest } from "@/server/jobs/client";
import { toInngestError } from "@/server/jobs/permanent-failures";

describe("isPermanentFailure", () => {
  it("recognises the error, the same error rebuilt from JSON, and an error caused by it", () => {
    expect(isPermanentFailure(new PermanentFailure("refused"))).toBe(true);
    expect(isPermanentFailure(Object.assign(new Error("refused"), { name: "PermanentFailure" }))).toBe(true);
    expect(isPermanentFailure(new Error("step failed", { cause: new PermanentFailure("refused") }))).toBe(true);
  });

  it("says no to everything else", () => {
    for (const err of [new Error("timeout"), new AppError("NOT_FOUND", "gone"), "PermanentFailure", null, undefined]) {
      expect(isPermanentFailure(err)).toBe(false);
    }
  });
});

describe("toInngestError", () => {
  it("turns a permanent failure into NonRetriableError with the same message and the original as cause", () => {
    const original = new PermanentFailure("Slack refused the message (HTTP 404)");
    const mapped = toInngestError(original);
    expect(mapped).toBeInstanceOf(NonRetriableError);
    expect(mapped).toMatchObject({ message: original.message, cause: original });
  });

  it("leaves other errors as they are", () => {
    const errors = [
      new Error("Slack answered HTTP 503"),
      new AppError("CONFLICT", "stale"),
      new NonRetriableError("already final"),
    ];
    for (const err of errors) expect(toInngestError(err)).toBe(err);
  });
});

describe("an Inngest function of this client", () => {
  const failing = (id: string, thrown: () => Error, inStep = true) =>
    inngest.createFunction({ id, triggers: [{ event: "test/permanent-failure" }], retries: 3 }, async ({ step }) => {
      if (!inStep) throw thrown();
      return step.run("send", async () => {
        throw thrown();
      });
    });
  const run = (fn: ReturnType<typeof failing>) =>
    new InngestTestEngine({ function: fn }).execute({ events: [{ name: "test/permanent-failure", data: {} }] });

  it("ends a step that threw a PermanentFailure with NonRetriableError", async () => {
    const { error } = await run(
      failing("step-permanent", () => new PermanentFailure("SMTP refused the message (550)")),
    );
    // The engine hands back the step error as Inngest stores it; the name is what Inngest's retry decision reads.
    expect(error).toMatchObject({
      name: "NonRetriableError",
      message: "SMTP refused the message (550)",
      cause: { name: "PermanentFailure" },
    });
  });

  it("does the same for a function body that threw one outside a step", async () => {
    const { error } = await run(failing("body-permanent", () => new PermanentFailure("no such project"), false));
    expect(error).toMatchObject({ name: "NonRetriableError", message: "no such project" });
  });

  it("lets any other error through for Inngest to retry", async () => {
    const { error } = await run(failing("step-temporary", () => new Error("Slack answered HTTP 503")));
    expect(error).toMatchObject({ name: "Error", message: "Slack answered HTTP 503" });
  });
});
