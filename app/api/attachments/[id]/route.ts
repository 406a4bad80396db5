/**
 * Download an attachment. Same visibility as its issue; served as a download
 * with nosniff and a sandbox policy, so an uploaded file cannot run as a page
 * of this site. Raster images (PNG, JPEG, GIF, WebP) may be asked for inline
 * (`?inline=1`) for thumbnails and the preview.
 */
import { INLINE_IMAGE_TYPES } from "@/lib/attachment-types";
import { AppError } from "@/server/errors";
import { credentialsOrThrow, enforceRateLimit, withRequest } from "@/server/http/route-helpers";
import { openAttachment } from "@/server/services/attachments/attachments";

export const dynamic = "force-dynamic";

export function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  return withRequest(req, "attachments/[id]", async ({ requestId }) => {
    const credentials = await credentialsOrThrow(req);
    const { userId, sessionId, apiToken } = credentials;
    await enforceRateLimit(req, credentials);
    const { id } = await ctx.params;
    if (!/^[a-z0-9]{10,40}$/.test(id)) throw new AppError("NOT_FOUND", "Attachment not found");
    const file = await openAttachment({ userId, sessionId, apiToken, id, requestId });
    const ascii = file.filename.replace(/[^\x20-\x7E]/g, "_").replace(/["\\]/g, "_");
    // `?inline=1` shows a raster image in the page (thumbnails, the preview); everything else, SVG included, is
    // always a download. The sandbox policy and nosniff hold either way.
    const inline = new URL(req.url).searchParams.get("inline") === "1" && INLINE_IMAGE_TYPES.has(file.contentType);
    return new Response(file.body, {
      status: 200,
      headers: {
        "content-type": file.contentType,
        "content-length": String(file.size),
        "content-disposition": `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
        "content-security-policy": "default-src 'none'; sandbox",
      },
    });
  });
}
