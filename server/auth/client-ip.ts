/** The client address for rate limiting: first hop of X-Forwarded-For (set by the proxy), else "local". */
export function clientIp(headers: Headers | Record<string, string | string[] | undefined>): string {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const forwarded = get("x-forwarded-for");
  const first = forwarded?.split(",")[0]?.trim();
  return first || get("x-real-ip") || "local";
}
