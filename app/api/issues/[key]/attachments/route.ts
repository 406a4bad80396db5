/**
 * Upload an attachment to an issue: multipart/form-data with a `file` field.
 * The body is parsed as it arrives (server/http/multipart.ts) and the file
 * streamed to storage; a declared length over the limit is refused before
 * reading, and a chunked body is cut off once it passes it.
 *
 * With an `Idempotency-Key` the upload happens once per caller and key: a
 * key already answered is looked up before the body is read, and the body of
 * such a retry is only hashed (to tell a true retry from a different file,
 * which is a CONFLICT), never stored again; the first upload's answer is
 * returned. Two retries racing each other are settled by the key's claim in
 * the transaction, the loser's stored copy removed.
 */
import { getEnv } from "@/lib/env.mjs";
import { IDEMPOTENCY_KEY_HEADER } from "@/lib/idempotency";
import { issueKey } from "@/lib/schemas/issue";
import { authorizeOrThrow } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
import { declaredLength } from "@/server/http/body-limit";
import { withSingleFile } from "@/server/http/multipart";
import { assertSameOrigin, credentialsOrThrow, enforceRateLimit, withRequest } from "@/server/http/route-helpers";
import { addAttachment, hashUpload } from "@/server/services/attachments/attachments";
import {
  findIdempotencyKey,
  parseIdempotencyKey,
  storedAnswerOrConflict,
  withIdempotentReplay,
} from "@/server/services/idempotency";

export const dynamic = "force-dynamic";

/** Room for the multipart envelope around the file itself. */
const ENVELOPE_BYTES = 64 * 1024;

export function POST(req: Request, ctx: { params: Promise<{ key: string }> }) {
  return withRequest(req, "issues/[key]/attachments", async ({ requestId }) => {
    assertSameOrigin(req);
    const credentials = await credentialsOrThrow(req);
    const { userId, sessionId, apiToken } = credentials;
    await enforceRateLimit(req, credentials);
    const parsedKey = issueKey.safeParse((await ctx.params).key);
    if (!parsedKey.success) throw new AppError("BAD_REQUEST", "Issue key looks like PAY-I-7");
    const key = parsedKey.data;
    const idempotencyKey = parseIdempotencyKey(req.headers.get(IDEMPOTENCY_KEY_HEADER));
    if (!(req.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Upload files as multipart/form-data");
    }
    const max = getEnv().ATTACHMENT_MAX_BYTES;
    const tooLarge = () =>
      new AppError("PAYLOAD_TOO_LARGE", `Attachments can be at most ${Math.floor(max / 1024 / 1024)} MB`);
    if ((declaredLength(req.headers) ?? 0) > max + ENVELOPE_BYTES) throw tooLarge();
    const { scope } = await authorizeOrThrow({
      userId,
      sessionId,
      apiToken,
      writes: true,
      projectKey: key.slice(0, key.indexOf("-")),
      permission: "comment:create",
      requestId,
    });

    const form = { field: "file", maxFileBytes: max, maxBodyBytes: max + ENVELOPE_BYTES, tooLarge };
    const idempotency = idempotencyKey
      ? { key: idempotencyKey, scope: `POST /api/issues/${key}/attachments` }
      : undefined;
    const held = idempotency ? await findIdempotencyKey(userId, idempotency.key) : null;
    if (held && idempotency) {
      const { value: requestHash } = await withSingleFile(req, form, (file) =>
        hashUpload({ key, filename: file.filename, content: file.content }),
      );
      return Response.json(storedAnswerOrConflict(held, { ...idempotency, requestHash }), { status: 201 });
    }

    const { value: attachment } = await withSingleFile(req, form, (file) =>
      withIdempotentReplay(() =>
        addAttachment({ scope, input: { key, filename: file.filename, content: file.content }, idempotency }),
      ),
    );
    return Response.json(attachment, { status: 201 });
  });
}
