/**
 * Upload a file to import: multipart/form-data with `file` and the text fields `kind`
 * (requirements | issues), `format` (csv | reqif | reqifz; from the file's name and bytes when absent),
 * `dryRun`, `atomic` and `mapping` (JSON, see lib/schemas/import.ts). The file is read as it arrives, up to
 * IMPORT_MAX_BYTES (a larger declared length is refused before reading, a chunked body once it passes the
 * limit), stored with its job, and answered with `{ jobId }` (202): the import runs in the background and
 * `importJob.byId` / `importJob.watch` report its progress. Maintainers import requirements and issues
 * (the permission of writing them); counted against the `expensive` budget.
 */
import { getEnv } from "@/lib/env.mjs";
import { importForm } from "@/lib/schemas/import";
import { authorizeOrThrow } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
import { declaredLength } from "@/server/http/body-limit";
import { withSingleFile } from "@/server/http/multipart";
import { assertSameOrigin, credentialsOrThrow, enforceRateLimit, withRequest } from "@/server/http/route-helpers";
import { createImportJob, importPermission, startImportJob } from "@/server/services/imports/import-jobs";

export const dynamic = "force-dynamic";

/** Room for the multipart envelope and the text fields around the file. */
const ENVELOPE_BYTES = 64 * 1024;

export function POST(req: Request, ctx: { params: Promise<{ key: string }> }) {
  return withRequest(req, "projects/[key]/import", async ({ requestId }) => {
    assertSameOrigin(req);
    const credentials = await credentialsOrThrow(req);
    await enforceRateLimit(req, credentials, ["expensive"]);
    if (!(req.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Upload the file as multipart/form-data");
    }
    const max = getEnv().IMPORT_MAX_BYTES;
    const tooLarge = () =>
      new AppError("PAYLOAD_TOO_LARGE", `Imports can be at most ${Math.floor(max / 1024 / 1024)} MB`);
    if ((declaredLength(req.headers) ?? 0) > max + ENVELOPE_BYTES) throw tooLarge();
    const projectKey = (await ctx.params).key;
    // Whether the caller may import at all is known before the body is read: the lesser of the two kinds' rights.
    const { scope } = await authorizeOrThrow({
      ...credentials,
      writes: true,
      projectKey,
      permission: "issue:triage",
      requestId,
    });
    const { value: upload, fields } = await withSingleFile(
      req,
      { field: "file", maxFileBytes: max, maxBodyBytes: max + ENVELOPE_BYTES, tooLarge },
      async (file) => {
        const parts: Buffer[] = [];
        let size = 0;
        for await (const chunk of file.content as AsyncIterable<Buffer>) {
          size += chunk.byteLength;
          if (size > max) throw tooLarge();
          parts.push(chunk);
        }
        return { filename: file.filename, bytes: new Uint8Array(Buffer.concat(parts, size)) };
      },
    );
    const parsed = importForm.safeParse({ ...fields, projectKey: scope.projectKey });
    if (!parsed.success) {
      throw new AppError("BAD_REQUEST", parsed.error.issues.map((i) => i.message).join("; "), {
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      });
    }
    if (upload.bytes.byteLength === 0) throw new AppError("BAD_REQUEST", "The file is empty");
    // The kind decides the permission: requirements need requirement:edit, issues issue:triage.
    const { scope: allowed } = await authorizeOrThrow({
      ...credentials,
      writes: true,
      projectKey,
      permission: importPermission(parsed.data.kind),
      requestId: scope.actor.requestId,
    });
    const { jobId } = await createImportJob({
      scope: allowed,
      form: parsed.data,
      filename: upload.filename,
      bytes: upload.bytes,
    });
    startImportJob(jobId);
    return Response.json({ jobId }, { status: 202, headers: { "cache-control": "no-store" } });
  });
}
