/**
 * Download a project's requirements — current, or as a baseline froze them — as CSV, Markdown, JSON or
 * ReqIF 1.2: `GET /api/projects/<KEY>/export?format=csv|md|json|reqif[&baseline=<id>]`. The file is written
 * while it is sent (server/services/exports), so its size costs the server a batch of rows, not the file.
 * Readers of the project may export (a baseline read); counted against the `expensive` budget.
 */
import { z } from "zod";
import { baselineRef } from "@/lib/schemas/baseline";
import { projectKey } from "@/lib/schemas/common";
import { authorizeOrThrow } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
import { credentialsOrThrow, enforceRateLimit, handleErrors, requestIdOf } from "@/server/http/route-helpers";
import { EXPORT_FORMATS, openRequirementsExport } from "@/server/services/exports/requirements-export";

export const dynamic = "force-dynamic";

const exportQuery = z.object({
  projectKey,
  format: z.enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(", ")}` }),
  baseline: baselineRef,
});

export function GET(req: Request, ctx: { params: Promise<{ key: string }> }) {
  return handleErrors(async () => {
    const credentials = await credentialsOrThrow(req);
    await enforceRateLimit(req, credentials, ["expensive"]);
    const url = new URL(req.url);
    const parsed = exportQuery.safeParse({
      projectKey: (await ctx.params).key,
      format: url.searchParams.get("format") ?? "csv",
      baseline: url.searchParams.get("baseline") ?? "HEAD",
    });
    if (!parsed.success) {
      throw new AppError("BAD_REQUEST", parsed.error.issues.map((i) => i.message).join("; "));
    }
    const { scope } = await authorizeOrThrow({
      ...credentials,
      writes: false,
      projectKey: parsed.data.projectKey,
      permission: "baseline:read",
      requestId: requestIdOf(req),
    });
    const file = await openRequirementsExport({
      scope,
      ref: parsed.data.baseline,
      format: parsed.data.format,
      signal: req.signal,
    });
    return new Response(textStream(file.chunks), {
      status: 200,
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.filename.replace(/[^\x20-\x7E]|["\\]/g, "_")}"`,
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
      },
    });
  });
}

/** The chunks as a byte stream, pulled as the client reads: a slow reader holds the writer, not memory. */
function textStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (err) {
        console.error("[export] failed while streaming", err);
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
