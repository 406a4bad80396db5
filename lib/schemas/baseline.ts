import { z } from "zod";

import { dateTimeOut, id, longText, pageOut, pagination, personOut, projectKey } from "./common";
import { fieldChangeOut, requirementContentOut, requirementStatus } from "./requirement";

export const baselineRef = z.union([z.literal("HEAD"), id]);

export const baselineCreateInput = z.object({
  projectKey,
  name: z.string().trim().min(1, "Name is required").max(100),
  note: longText(2000).default(""),
});
export type BaselineCreateInput = z.infer<typeof baselineCreateInput>;

export const baselineListInput = z.object({ projectKey, ...pagination });
export type BaselineListInput = z.infer<typeof baselineListInput>;

export const baselineByIdInput = z.object({
  projectKey,
  id,
  ...pagination,
  limit: z.number().int().min(1).max(500).default(200),
});
export type BaselineByIdInput = z.infer<typeof baselineByIdInput>;

export const baselineCompareInput = z.object({ projectKey, from: baselineRef, to: baselineRef });
export type BaselineCompareInput = z.infer<typeof baselineCompareInput>;

export const baselineExportInput = z.object({
  projectKey,
  id: baselineRef,
  format: z.enum(["json", "csv", "markdown"]),
});
export type BaselineExportInput = z.infer<typeof baselineExportInput>;

/* ------------------------------------------------------------------ outputs */

/** A baseline: a named, immutable set of the requirement versions current when it was made. */
export const baselineOut = z
  .object({
    id: z.string(),
    name: z.string(),
    note: z.string(),
    /** How many requirements it holds (deprecated ones are never part of a baseline). */
    requirementCount: z.number(),
    createdAt: dateTimeOut,
    /** Who made it; null once that account is gone. */
    author: personOut.nullable(),
  })
  .meta({ id: "Baseline", description: "A named, immutable set of the requirement versions current when it was made" });

/** One page of a project's baselines, newest first. */
export const baselinePageOut = pageOut(baselineOut);

/** A requirement as a baseline holds it: the version frozen in it. */
export const baselineRequirementOut = z
  .object({
    key: z.string(),
    number: z.number(),
    version: z.number(),
    ...requirementContentOut,
    /** When that version was written. */
    createdAt: dateTimeOut,
  })
  .meta({ id: "BaselineRequirement", description: "A requirement as a baseline holds it: the version frozen in it" });

/** A baseline and one page of its requirements, by key number. */
export const baselineDetailOut = pageOut(baselineRequirementOut).extend({ baseline: baselineOut });

/** One side of a comparison: a baseline, or the current state (id "HEAD"). */
export const baselineSideOut = z.object({ id: z.string(), name: z.string(), createdAt: dateTimeOut });

/** A requirement in a comparison, as the later side holds it (the earlier one for removed requirements). */
export const baselineCompareEntryOut = z.object({
  key: z.string(),
  title: z.string(),
  status: requirementStatus,
  version: z.number(),
});

/** What changed from one baseline (or HEAD) to another: requirements added, removed and changed field by field. */
export const baselineComparisonOut = z
  .object({
    from: baselineSideOut,
    to: baselineSideOut,
    summary: z.object({
      added: z.number(),
      removed: z.number(),
      changed: z.number(),
      unchanged: z.number(),
    }),
    added: z.array(baselineCompareEntryOut),
    removed: z.array(baselineCompareEntryOut),
    changed: z.array(
      baselineCompareEntryOut.extend({
        /** The version the earlier side holds. */
        fromVersion: z.number(),
        changes: z.array(fieldChangeOut),
      }),
    ),
  })
  .meta({
    id: "BaselineComparison",
    description: "Requirements added, removed and changed from one baseline to another",
  });

/** The media types of a baseline export, by format. */
export const BASELINE_EXPORT_CONTENT_TYPES = ["application/json", "text/csv", "text/markdown"] as const;

/** A baseline (or the current state) exported as a file: its name, media type and text. */
export const baselineExportOut = z
  .object({
    /** A file name to save it under, e.g. `PAY-Release-1.md`. */
    filename: z.string(),
    contentType: z.enum(BASELINE_EXPORT_CONTENT_TYPES),
    /** The whole file, as text. */
    content: z.string(),
  })
  .meta({ id: "BaselineExport", description: "A baseline exported as a file: its name, media type and text content" });
