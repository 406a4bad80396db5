/**
 * Attachment types a browser shows without running anything: raster images.
 * The download route serves only these inline (`?inline=1`), and the page
 * shows thumbnails and previews for exactly these. SVG is never inline.
 */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
