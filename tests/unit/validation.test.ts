/**
 * The synchronous input and output checks (server/api/validation.ts) on a router of their own: the same
 * answers as tRPC's own checks — parsed and merged inputs, BAD_REQUEST with the ZodError, outputs cut to
 * their schema, INTERNAL_SERVER_ERROR when a procedure answers outside it — without `parseAsync`, except
 * for a schema that has asynchronous parts.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ZodError, z } from "zod";

import { checkSynchronously, checksSynchronously } from "@/server/api/validation";

const t = initTRPC.create();

const itemIn = z.object({ id: z.string().min(1) });
const itemOut = z.object({ id: z.string(), at: z.date() });
const slowName = z.string().refine(async (name) => name !== "taken", "That name is taken");

function buildRouter(answer: (input: { id: string }) => unknown) {
  return t.router({
    item: t.procedure
      .input(itemIn)
      .output(itemOut)
      .query(({ input }) => answer(input) as z.infer<typeof itemOut>),
    chained: t.procedure
      .input(z.object({ projectKey: z.string() }))
      .input(z.object({ title: z.string().trim() }))
      .output(z.object({ projectKey: z.string(), title: z.string() }))
      .mutation(({ input }) => input),
    rename: t.procedure
      .input(z.object({ name: slowName }))
      .output(z.object({ name: z.string() }))
      .mutation(({ input }) => input),
    ping: t.procedure.query(() => "pong"),
  });
}

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

afterEach(() => vi.restoreAllMocks());

describe("synchronous input and output checks", () => {
  it("replaces every input and output check, and applying it twice changes nothing", () => {
    const router = buildRouter((input) => ({ ...input, at: new Date(0) }));
    const procedures = Object.values(router._def.procedures);
    expect(procedures.some((p) => checksSynchronously(p))).toBe(true); // `ping` has no checks to replace
    expect(procedures.filter((p) => !checksSynchronously(p))).toHaveLength(3);
    checkSynchronously(router);
    expect(procedures.every((p) => checksSynchronously(p))).toBe(true);
    const before = procedures.map((p) => [...(p as unknown as { _def: { middlewares: unknown[] } })._def.middlewares]);
    checkSynchronously(router);
    const after = procedures.map((p) => (p as unknown as { _def: { middlewares: unknown[] } })._def.middlewares);
    expect(after).toEqual(before);
  });

  it("answers as declared without parseAsync: extra fields dropped, chained inputs merged", async () => {
    const inputAsync = vi.spyOn(itemIn, "parseAsync");
    const outputAsync = vi.spyOn(itemOut, "parseAsync");
    const caller = t.createCallerFactory(
      checkSynchronously(buildRouter((input) => ({ ...input, at: new Date(5), secret: "internal" }))),
    )({});
    await expect(caller.item({ id: "a" })).resolves.toStrictEqual({ id: "a", at: new Date(5) });
    await expect(caller.chained({ projectKey: "PAY", title: "  Spaced  " })).resolves.toEqual({
      projectKey: "PAY",
      title: "Spaced",
    });
    await expect(caller.ping()).resolves.toBe("pong");
    expect(inputAsync).not.toHaveBeenCalled();
    expect(outputAsync).not.toHaveBeenCalled();
  });

  it("a bad input is BAD_REQUEST with the ZodError as its cause", async () => {
    const caller = t.createCallerFactory(checkSynchronously(buildRouter((input) => ({ ...input, at: new Date() }))))(
      {},
    );
    const err = await errorOf(caller.item({ id: "" }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.cause).toBeInstanceOf(ZodError);
    expect((err.cause as ZodError).issues[0]?.path).toEqual(["id"]);
  });

  it("an answer outside the declared output is INTERNAL_SERVER_ERROR, never sent", async () => {
    const caller = t.createCallerFactory(checkSynchronously(buildRouter((input) => ({ ...input, at: "yesterday" }))))(
      {},
    );
    const err = await errorOf(caller.item({ id: "a" }));
    expect(err.code).toBe("INTERNAL_SERVER_ERROR");
    expect(err.message).toBe("Output validation failed");
    expect(err.cause).toBeInstanceOf(ZodError);
  });

  it("a schema with asynchronous parts is still checked, asynchronously", async () => {
    const caller = t.createCallerFactory(checkSynchronously(buildRouter((input) => input)))({});
    await expect(caller.rename({ name: "free" })).resolves.toEqual({ name: "free" });
    const err = await errorOf(caller.rename({ name: "taken" }));
    expect(err.code).toBe("BAD_REQUEST");
    expect((err.cause as ZodError).issues[0]?.message).toBe("That name is taken");
  });

  it("refuses a procedure whose checks do not match what it declares", () => {
    const router = buildRouter((input) => input);
    const item = router._def.procedures.item as unknown as { _def: { inputs: unknown[] } };
    item._def.inputs = [];
    expect(() => checkSynchronously(router)).toThrow(/item: more input checks than declared inputs/);
  });
});
