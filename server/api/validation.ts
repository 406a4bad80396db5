/**
 * How every procedure checks its input and its declared output: with the schema's synchronous parse.
 *
 * tRPC checks a zod schema with `parseAsync`. zod 4 compiles an object schema into one generated function,
 * but only for synchronous parses; an asynchronous one walks the schema's generic machinery field by field.
 * For the answer of `project.list` (a page of 50 projects) that is about 160 µs against 35 µs, on every call,
 * a tenth of the call's CPU. Our schemas have no asynchronous refinements or transforms, so the synchronous
 * parse gives the same value and the same ZodError; should one ever have them, zod says so with
 * `$ZodAsyncError` and that schema is parsed asynchronously after all.
 *
 * tRPC offers no option for this: `.input()` and `.output()` bind `parseAsync` into a validating middleware
 * when the procedure is built. `checkSynchronously` replaces those middlewares of every procedure in the
 * router, once, where the app's router is assembled (server/api/root.ts), with ones that behave the same
 * (BAD_REQUEST with the ZodError as cause for an input; INTERNAL_SERVER_ERROR, "Output validation failed",
 * for an output; chained inputs merged as tRPC merges them). It counts what it replaces against the
 * procedure's declared inputs and output and throws at start-up if they differ, so a tRPC release that
 * builds procedures differently fails loudly instead of leaving a procedure unchecked.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";

interface MiddlewareResult {
  ok: boolean;
  data?: unknown;
}

interface MiddlewareOptions {
  input: unknown;
  getRawInput: () => Promise<unknown>;
  next: (opts?: { input: unknown }) => Promise<MiddlewareResult>;
}

type Middleware = ((opts: MiddlewareOptions) => Promise<MiddlewareResult>) & { _type?: string };

interface ProcedureDef {
  inputs: z.ZodType[];
  output?: z.ZodType;
  middlewares: Middleware[];
}

/** Marks the middlewares this module wrote, so applying it twice changes nothing. */
const SYNC = Symbol("synchronous validation");

/**
 * `schema.parse`, or `parseAsync` for a schema with asynchronous parts (zod refuses those synchronously):
 * how every check of an input or a declared output is made, the replay of an idempotent create's stored
 * answer included (trpc.ts).
 */
export function parserOf(schema: z.ZodType): (value: unknown) => unknown {
  return (value) => {
    try {
      return schema.parse(value);
    } catch (err) {
      if (err instanceof z.core.$ZodAsyncError) return schema.parseAsync(value);
      throw err;
    }
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function marked(fn: Middleware, type: "input" | "output"): Middleware {
  return Object.assign(fn, { _type: type, [SYNC]: true });
}

function inputMiddleware(schema: z.ZodType): Middleware {
  const parse = parserOf(schema);
  return marked(async function inputValidatorMiddleware(opts) {
    const rawInput = await opts.getRawInput();
    let parsed: unknown;
    try {
      parsed = parse(rawInput);
      if (parsed instanceof Promise) parsed = await parsed;
    } catch (cause) {
      throw new TRPCError({ code: "BAD_REQUEST", cause });
    }
    // Chained `.input()`s: each adds its fields to what the ones before parsed.
    const input = isObject(opts.input) && isObject(parsed) ? { ...opts.input, ...parsed } : parsed;
    return opts.next({ input });
  }, "input");
}

function outputMiddleware(schema: z.ZodType): Middleware {
  const parse = parserOf(schema);
  return marked(async function outputValidatorMiddleware({ next }) {
    const result = await next();
    if (!result.ok) return result;
    try {
      let data = parse(result.data);
      if (data instanceof Promise) data = await data;
      return { ...result, data };
    } catch (cause) {
      throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Output validation failed", cause });
    }
  }, "output");
}

/**
 * Replaces the input and output checks of every procedure in `router` with synchronous ones (see above).
 * Returns the router, for `export const appRouter = checkSynchronously(createTRPCRouter({ … }))`.
 */
export function checkSynchronously<R extends { _def: { procedures: object } }>(router: R): R {
  // At run time `procedures` is flat, keyed by the dotted path.
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  for (const [path, { _def }] of Object.entries(procedures)) {
    let inputs = 0;
    let outputs = 0;
    _def.middlewares = _def.middlewares.map((middleware) => {
      if (middleware._type === "input") {
        const schema = _def.inputs[inputs++];
        if (!schema) throw new Error(`${path}: more input checks than declared inputs`);
        return SYNC in middleware ? middleware : inputMiddleware(schema);
      }
      if (middleware._type === "output") {
        outputs++;
        if (!_def.output) throw new Error(`${path}: an output check without a declared output`);
        return SYNC in middleware ? middleware : outputMiddleware(_def.output);
      }
      return middleware;
    });
    if (inputs !== _def.inputs.length || outputs !== (_def.output ? 1 : 0)) {
      throw new Error(
        `${path}: found ${inputs} input and ${outputs} output checks for ${_def.inputs.length} inputs and ${_def.output ? 1 : 0} output`,
      );
    }
  }
  return router;
}

/** Whether every input and output check of the procedure is one of ours (for the tests that guard this). */
export function checksSynchronously(procedure: unknown): boolean {
  const { middlewares } = (procedure as { _def: ProcedureDef })._def;
  return middlewares.every((m) => (m._type !== "input" && m._type !== "output") || SYNC in m);
}
