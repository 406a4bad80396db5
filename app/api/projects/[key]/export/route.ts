/**
 * Downloads, written while they are sent (server/services/exports), so a file's size costs the server a
 * batch of rows, not the file:
 *   - the requirements, current or as a baseline froze them, as CSV, Markdown, JSON or ReqIF 1.2:
 *     `?format=csv|md|json|reqif[&baseline=<id>]`;
 *   - the trace links, one CSV row each: `?format=links[&type=IMPLEMENTS…][&suspectOnly=true]`.
 * Readers of the project may export (a baseline read); counted against the `expensive` budget.
 */
import { z } from "zod";
import { baselineRef } from "@/lib/schemas/baseline";
import { projectKey } from "@/lib/schemas/common";
import { traceLinkType } from "@/lib/schemas/trace-link";
import { authorizeOrThrow } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
import { credentialsOrThrow, enforceRateLimit, withRequest } from "@/server/http/route-helpers";
import { log } from "@/server/observability/log";
import { EXPORT_FORMATS, openRequirementsExport } from "@/server/services/exports/requirements-export";
import { openTraceLinksExport } from "@/server/services/exports/trace-links-export";

export const dynamic = "force-dynamic";

const FORMATS = [...EXPORT_FORMATS, "links"] as const;

const exportQuery = z.object({
  projectKey,
  format: z.enum(FORMATS, { error: `format must be one of ${FORMATS.join(", ")}` }),
  baseline: baselineRef,
  type: z.array(traceLinkType).max(10),
  suspectOnly: z.enum(["true", "false"]).transform((v) => v === "true"),
});

export function GET(req: Request, ctx: { params: Promise<{ key: string }> }) {
  return withRequest(req, "projects/[key]/export", async ({ requestId }) => {
    const credentials = await credentialsOrThrow(req);
    await enforceRateLimit(req, credentials, ["expensive"]);
    const url = new URL(req.url);
    const parsed = exportQuery.safeParse({
      projectKey: (await ctx.params).key,
      format: url.searchParams.get("format") ?? "csv",
      baseline: url.searchParams.get("baseline") ?? "HEAD",
      type: url.searchParams.getAll("type"),
      suspectOnly: url.searchParams.get("suspectOnly") ?? "false",
    });
    if (!parsed.success) {
      throw new AppError("BAD_REQUEST", parsed.error.issues.map((i) => i.message).join("; "));
    }
    const { scope } = await authorizeOrThrow({
      ...credentials,
      writes: false,
      projectKey: parsed.data.projectKey,
      permission: "baseline:read",
      requestId,
    });
    const { format, baseline, type, suspectOnly } = parsed.data;
    const file =
      format === "links"
        ? await openTraceLinksExport({ scope, types: type, suspectOnly, signal: req.signal })
        : await openRequirementsExport({ scope, ref: baseline, format, signal: req.signal });
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
        log.error({ err, route: "projects/[key]/export" }, "export failed while streaming");
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
