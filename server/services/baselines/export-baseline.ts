/**
 * `baseline.export`: a baseline (or the current state) as one JSON, CSV or Markdown file in the answer —
 * the streamed export (server/services/exports) collected. Large exports and ReqIF are downloaded from
 * GET /api/projects/<KEY>/export instead, which streams the same writers.
 */
import type { BaselineExportInput } from "@/lib/schemas/baseline";
import type { ProjectScope } from "@/server/auth/project-scope";
import { collect, openRequirementsExport } from "@/server/services/exports/requirements-export";

const FORMATS = {
  json: { format: "json", contentType: "application/json" },
  csv: { format: "csv", contentType: "text/csv" },
  markdown: { format: "md", contentType: "text/markdown" },
} as const;

export async function exportBaseline({
  scope,
  input,
  signal,
}: {
  scope: ProjectScope;
  input: BaselineExportInput;
  signal?: AbortSignal;
}) {
  const { format, contentType } = FORMATS[input.format];
  const file = await openRequirementsExport({ scope, ref: input.id, format, signal });
  return { filename: file.filename, contentType, content: await collect(file.chunks) };
}
