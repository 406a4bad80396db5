/** Upload an attachment to an issue: multipart/form-data with a `file` field. */
import { getEnv } from "@/lib/env.mjs";
import { issueKey } from "@/lib/schemas/issue";
import { authorizeOrThrow } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
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
    const declared = Number(req.headers.get("content-length") ?? "0");
    if (declared > max + ENVELOPE_BYTES) {
      throw new AppError("PAYLOAD_TOO_LARGE", `Attachments can be at most ${Math.floor(max / 1024 / 1024)} MB`);
    }
    const { scope } = await authorizeOrThrow({
      userId,
      projectKey: key.slice(0, key.indexOf("-")),
      permission: "comment:create",
      requestId: requestIdOf(req),
    });

    let form: FormData;
    try {
      form = await req.formData();
    } catch {
      throw new AppError("BAD_REQUEST", "The upload is not a valid multipart form");
    }
    const file = form.get("file");
    if (!(file instanceof File)) throw new AppError("BAD_REQUEST", 'Attach the file in a field named "file"');
    const attachment = await addAttachment({
      scope,
      input: { key, filename: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
    });
    return Response.json(attachment, { status: 201 });
  });
}
