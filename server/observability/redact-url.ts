/**
 * Connection URLs and error messages as instance admins may see them on
 * /admin/system: without user name, password, query string (PostgreSQL and
 * Redis URLs may carry `?password=`) or fragment. The services' own errors
 * sometimes quote the URL they failed to reach, so messages are cleaned too.
 */

/** `scheme://host:port/path` of a URL, without credentials, query or fragment; null when it does not parse. */
export function redactUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.protocol}//${url.host}${path}`;
}

/** Anything that looks like `scheme://user:password@` or a `password=`/`secret=`/`token=` pair, masked. */
const CREDENTIALS_IN_URL = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi;
const SECRET_PAIRS = /\b((?:password|passwd|pass|secret|token|key|signature|x-amz-[a-z-]+)=)[^\s&;,]+/gi;

/** An error message with credentials taken out of any URL in it, cut to `max` characters. */
export function redactSecrets(message: string, max = 500): string {
  const clean = message.replace(CREDENTIALS_IN_URL, "$1").replace(SECRET_PAIRS, "$1[redacted]");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
