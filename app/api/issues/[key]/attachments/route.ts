/**
 * Upload an attachment to an issue: multipart/form-data with a `file` field.
 * The body is parsed as it arrives (server/http/multipart.ts) and the file
 * streamed to storage; a declared length over the limit is refused before
 * reading, and a chunked body is cut off once it passes it.
 */
import { getEnv } from "@/lib/env.mjs";
import { issueKey } from "@/lib/schemas/issue";
import { authorizeOrThrow } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
import { declaredLength } from "@/server/http/body-limit";
import { withSingleFile } from "@/server/http/multipart";
import {
  assertSameOrigin,
  enforceRateLimit,
  handleErrors,
  requestIdOf,
  sessionUserIdOrThrow,
} from "@/server/http/route-helpers";
import { addAttachment } from "@/server/services/attachments/attachments";

export const dynamic = "force-dynamic";

/** Room for the multipart envelope around the file itself. */
const ENVELOPE_BYTES = 64 * 1024;

export function POST(req: Request, ctx: { params: Promise<{ key: string }> }) {
  return handleErrors(async () => {
    assertSameOrigin(req);
    const userId = await sessionUserIdOrThrow(req);
    await enforceRateLimit(req, userId);
    const parsedKey = issueKey.safeParse((await ctx.params).key);
    if (!parsedKey.success) throw new AppError("BAD_REQUEST", "Issue key looks like PAY-I-7");
    const key = parsedKey.data;
    if (!(req.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Upload files as multipart/form-data");
    }
    const max = getEnv().ATTACHMENT_MAX_BYTES;
    const tooLarge = () =>
      new AppError("PAYLOAD_TOO_LARGE", `Attachments can be at most ${Math.floor(max / 1024 / 1024)} MB`);
    if ((declaredLength(req.headers) ?? 0) > max + ENVELOPE_BYTES) throw tooLarge();
    const { scope } = await authorizeOrThrow({
      userId,
      projectKey: key.slice(0, key.indexOf("-")),
      permission: "comment:create",
      requestId: requestIdOf(req),
    });

    const attachment = await withSingleFile(
      req,
      { field: "file", maxFileBytes: max, maxBodyBytes: max + ENVELOPE_BYTES, tooLarge },
      (file) => addAttachment({ scope, input: { key, filename: file.filename, content: file.content } }),
    );
    return Response.json(attachment, { status: 201 });
  });
}
