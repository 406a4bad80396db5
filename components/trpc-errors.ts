/** Reading tRPC client errors: the message to show, the code, per-field messages and extra details. */
import { TRPCClientError } from "@trpc/client";
import { z } from "zod";

import type { ConflictDetails } from "@/server/services/compare-and-set";

interface ErrorData {
  code?: string;
  zodError?: { fieldErrors?: Record<string, string[] | undefined>; formErrors?: string[] } | null;
  details?: Record<string, unknown> | null;
}

function dataOf(err: unknown): ErrorData | undefined {
  if (err instanceof TRPCClientError) return (err.data ?? undefined) as ErrorData | undefined;
  return undefined;
}

export function errorCode(err: unknown): string | undefined {
  return dataOf(err)?.code;
}

export function errorDetails(err: unknown): Record<string, unknown> | undefined {
  return dataOf(err)?.details ?? undefined;
}

/**
 * The details of a CONFLICT from a stale `expectedVersion` — one shape for
 * requirements, issues and projects: the current version, the current item,
 * who saved it and when. undefined for any other error.
 */
export function staleVersionOf<Current = unknown>(err: unknown): ConflictDetails<Current | undefined> | undefined {
  if (errorCode(err) !== "CONFLICT") return undefined;
  const details = errorDetails(err);
  if (!details || typeof details.currentVersion !== "number") return undefined;
  return details as ConflictDetails<Current | undefined>;
}

export function errorMessage(err: unknown, fallback = "Something went wrong. Please try again."): string {
  if (err instanceof TRPCClientError) {
    const data = dataOf(err);
    if (data?.code === "INTERNAL_SERVER_ERROR") return fallback;
    if (data?.zodError) {
      const first = data.zodError.formErrors?.[0] ?? Object.values(data.zodError.fieldErrors ?? {}).flat()[0];
      if (first) return first;
    }
    if (!data) return "Could not reach the server. Check your connection and try again.";
    return err.message || fallback;
  }
  return fallback;
}

export type FieldErrors = Record<string, string | undefined>;

/** The first message for each field, from a server validation error. */
/**
 * Per-field messages from the server: the input schema's (`zodError`) and a
 * service's own (`details.fieldErrors`, e.g. a wrong current password).
 */
export function serverFieldErrors(err: unknown): FieldErrors {
  const fieldErrors = dataOf(err)?.zodError?.fieldErrors ?? {};
  const fromSchema: FieldErrors = Object.fromEntries(Object.entries(fieldErrors).map(([k, v]) => [k, v?.[0]]));
  const fromService = dataOf(err)?.details?.fieldErrors;
  if (!fromService || typeof fromService !== "object") return fromSchema;
  const service: FieldErrors = Object.fromEntries(
    Object.entries(fromService).map(([field, messages]) => [
      field,
      Array.isArray(messages) && typeof messages[0] === "string" ? messages[0] : undefined,
    ]),
  );
  return { ...fromSchema, ...service };
}

/** Validates with the same schema the server uses, so errors appear before a round trip. */
export function validate<S extends z.ZodType>(
  schema: S,
  values: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const flat = z.flattenError(result.error);
  const errors: FieldErrors = Object.fromEntries(
    Object.entries(flat.fieldErrors as Record<string, string[] | undefined>).map(([k, v]) => [k, v?.[0]]),
  );
  return { ok: false, errors };
}
