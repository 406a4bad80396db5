import { z } from "zod";

import { id, longText, pagination, projectKey } from "./common";

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
