/**
 * Calls to tRPC procedures that may not exist on the server yet (search,
 * attachments). A missing procedure resolves to `{ available: false }` rather
 * than an error, so the UI can hide the feature instead of failing.
 */
import superjson from "superjson";

export class ProcedureError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export type Untyped<T> = { available: true; data: T } | { available: false };

function isMissingProcedure(message: string) {
  return /No "(query|mutation)"-procedure on path|No procedure found on path/i.test(message);
}

export async function untypedQuery<T>(path: string, input: unknown, signal?: AbortSignal): Promise<Untyped<T>> {
  const url = `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const res = await fetch(url, { signal, headers: { accept: "application/json" } });
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ProcedureError("Could not reach the server. Check your connection and try again.", undefined);
  }
  const b = body as {
    result?: { data?: { json: unknown; meta?: Parameters<typeof superjson.deserialize>[0]["meta"] } };
    error?: { json?: { message?: string; data?: { code?: string } } };
  };
  if (b.error) {
    const message = b.error.json?.message ?? "Something went wrong";
    const code = b.error.json?.data?.code;
    if (code === "NOT_FOUND" && isMissingProcedure(message)) return { available: false };
    throw new ProcedureError(message, code);
  }
  const data = b.result?.data;
  return { available: true, data: (data ? superjson.deserialize({ json: data.json as never, meta: data.meta }) : undefined) as T };
}
