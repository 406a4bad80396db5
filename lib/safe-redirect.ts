/**
 * Where to go after signing in: only a path of this app, so a crafted link
 * (`?callbackUrl=//evil.example`) cannot send people elsewhere. The value is
 * parsed as the browser will read it — against this app's origin, with the
 * URL parser's own rules (tabs and newlines dropped, `\` read as `/`) — and
 * only a same-origin result is kept, rebuilt from its path, query and
 * fragment. The sign-in and sign-up pages themselves are never targets.
 */
const BASE = "https://app.specline.invalid";

export function safeCallbackUrl(value: string | string[] | undefined | null, fallback = "/projects"): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || raw.length > 2_000 || !raw.startsWith("/")) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  if (/^\/sign-(in|up)(\/|\?|#|$)/.test(url.pathname)) return fallback;
  return path;
}

/** next-auth's redirect after sign-in or sign-out: the same rule, for absolute URLs of this app too. */
export function safeRedirect(url: string, baseUrl: string): string {
  let target = url;
  try {
    const parsed = new URL(url, baseUrl);
    if (parsed.origin !== new URL(baseUrl).origin) return `${baseUrl}/projects`;
    target = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  } catch {
    return `${baseUrl}/projects`;
  }
  // Sign-out goes to the sign-in page on purpose; that one target is allowed here.
  if (/^\/sign-in(\?|#|$)/.test(target)) return `${baseUrl}${target}`;
  return `${baseUrl}${safeCallbackUrl(target)}`;
}
