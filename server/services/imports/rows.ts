/** Helpers both importers (requirements and issues) share. */
import type { z } from "zod";

import type { RecordChange } from "@/server/services/change";

/** `items` in slices of `size`; at least one slice, so an empty import still runs its one batch. */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}

/** Each row's change is audited but not announced: the job announces the import once. */
export function quiet(record: RecordChange): RecordChange {
  return (change) => record({ ...change, publish: false });
}

/** A row's fields checked with the schemas the procedures use: one "Field: message" per field refused. */
export function fieldProblems(fields: readonly (readonly [string, z.ZodType, unknown])[]): string[] {
  const problems: string[] = [];
  for (const [field, schema, value] of fields) {
    const parsed = schema.safeParse(value);
    if (!parsed.success) problems.push(`${field}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  return problems;
}
