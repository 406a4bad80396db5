import { z } from "zod";

import { dateTimeOut, id, pageOut, pagination, personOut, projectKey } from "./common";

/** What an import brings in: requirements (CSV, ReqIF, .reqifz) or issues (CSV, e.g. Jira's export). */
export const IMPORT_KINDS = ["requirements", "issues"] as const;
export const IMPORT_FORMATS = ["csv", "reqif", "reqifz"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Where a requirement CSV column goes. */
export const REQUIREMENT_CSV_TARGETS = [
  "key",
  "sourceRef",
  "parent",
  "title",
  "statement",
  "rationale",
  "type",
  "priority",
  "status",
  "tags",
  "ignore",
] as const;
/** Where an issue CSV column goes. */
export const ISSUE_CSV_TARGETS = [
  "key",
  "sourceRef",
  "title",
  "description",
  "severity",
  "status",
  "resolution",
  "labels",
  "assignee",
  "ignore",
] as const;

/** A column target: a field, `attribute:<key>` for a custom attribute (new ones as text), or `ignore`. */
const columnTarget = z
  .string()
  .max(60)
  .refine(
    (t) =>
      (REQUIREMENT_CSV_TARGETS as readonly string[]).includes(t) ||
      (ISSUE_CSV_TARGETS as readonly string[]).includes(t) ||
      /^attribute:[A-Za-z][A-Za-z0-9_]{0,39}$/.test(t),
    { message: "A column maps to a field, attribute:<key> or ignore" },
  );

/**
 * How CSV columns map, by header text (case-insensitive, trimmed). Columns not named keep their automatic
 * mapping (server/services/imports/csv-requirements.ts and csv-issues.ts).
 */
export const importMapping = z
  .object({
    columns: z
      .record(z.string().max(200), columnTarget)
      .refine((c) => Object.keys(c).length <= 200, "At most 200 columns")
      .default({}),
  })
  .strict();
export type ImportMapping = z.infer<typeof importMapping>;

const flag = z
  .enum(["true", "false", "on", "1", "0", ""], { error: "Use true or false" })
  .transform((v) => v === "true" || v === "on" || v === "1");

/** The fields of the upload form, beside `file` (all text, as a form sends them). */
export const importForm = z.object({
  projectKey,
  kind: z.enum(IMPORT_KINDS, { error: `kind must be one of ${IMPORT_KINDS.join(", ")}` }).default("requirements"),
  format: z.enum(IMPORT_FORMATS, { error: `format must be one of ${IMPORT_FORMATS.join(", ")}` }).optional(),
  dryRun: flag.default(false),
  atomic: flag.default(false),
  mapping: z
    .string()
    .max(16_000, "The mapping is at most 16,000 characters")
    .transform((text, ctx) => {
      if (text.trim() === "") return { columns: {} };
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: "custom", message: "The mapping is not valid JSON", input: text });
        return z.NEVER;
      }
    })
    .pipe(importMapping)
    .default({ columns: {} }),
});
export type ImportForm = z.infer<typeof importForm>;

export const importJobByIdInput = z.object({ projectKey, id });
export type ImportJobByIdInput = z.infer<typeof importJobByIdInput>;
export const importJobListInput = z.object({ projectKey, ...pagination });
export type ImportJobListInput = z.infer<typeof importJobListInput>;
export const importJobUndoInput = z.object({ projectKey, id });
export type ImportJobUndoInput = z.infer<typeof importJobUndoInput>;

/* ------------------------------------------------------------------ outputs */

export const IMPORT_JOB_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "UNDONE"] as const;

/** A row the import could not take, with why (row 0: the file as a whole). */
export const importRowErrorOut = z
  .object({ row: z.number(), message: z.string() })
  .meta({ id: "ImportRowError", description: "A row the import could not take, and why" });

/** An import and how far it has got. */
export const importJobOut = z
  .object({
    id: z.string(),
    kind: z.enum(IMPORT_KINDS),
    format: z.enum(IMPORT_FORMATS),
    filename: z.string(),
    size: z.number(),
    dryRun: z.boolean(),
    atomic: z.boolean(),
    status: z.enum(IMPORT_JOB_STATUSES),
    /** Rows in the file (known once it has been read). */
    total: z.number(),
    /** Rows dealt with so far. */
    processed: z.number(),
    created: z.number(),
    updated: z.number(),
    /** Rows that matched an existing item and changed nothing. */
    unchanged: z.number(),
    /** Rows refused (see `errors`). */
    failed: z.number(),
    /** The first 1,000 refused rows, by row number. */
    errors: z.array(importRowErrorOut),
    /** Why the import as a whole failed, if it did. */
    message: z.string().nullable(),
    /** Whether `importJob.undo` may be tried: a finished, not dry-run import that wrote something and is not undone. */
    undoable: z.boolean(),
    createdAt: dateTimeOut,
    startedAt: dateTimeOut.nullable(),
    finishedAt: dateTimeOut.nullable(),
    undoneAt: dateTimeOut.nullable(),
    createdBy: personOut.nullable(),
  })
  .meta({ id: "ImportJob", description: "An import and how far it has got" });
export type ImportJobOut = z.infer<typeof importJobOut>;

export const importJobPageOut = pageOut(importJobOut);

/** What undoing an import did. */
export const importUndoOut = z.object({
  job: importJobOut,
  /** Requirements or issues deleted (they were created by the import). */
  deleted: z.number(),
  /** Requirements or issues set back to the version before the import. */
  restored: z.number(),
});
