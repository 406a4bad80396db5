/**
 * HTTP helpers for the benchmark: tRPC URLs, the registration mutation and
 * the next-auth credentials sign-in (cookies kept by hand).
 */

/** `/api/trpc/<path>?input=<superjson>` as the tRPC client sends a single (unbatched) query. */
export function trpcQueryPath(procedure, input) {
  const payload = input === undefined ? { json: null, meta: { values: ["undefined"] } } : { json: input };
  return `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function request(url, { method = "GET", headers = {}, body, timeoutMs = 30_000 } = {}) {
  const res = await fetch(url, { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A minimal cookie jar: name → value, from Set-Cookie headers. */
export class CookieJar {
  constructor() {
    this.cookies = new Map();
  }

  store(headers) {
    for (const line of headers.getSetCookie?.() ?? []) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  get(name) {
    return this.cookies.get(name);
  }

  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** Calls the real `auth.register` mutation; returns the public user. */
export async function registerUser(baseUrl, { email, name, password }) {
  const res = await request(`${baseUrl}/api/trpc/auth.register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { email, name, password } }),
  });
  if (res.status !== 200 || res.json?.result?.data?.json?.ok !== true) {
    throw new Error(`auth.register for ${email} answered ${res.status}: ${res.text.slice(0, 500)}`);
  }
  // Registration answers the same for every address; who was registered is read back signed in.
  const cookie = await signIn(baseUrl, { email, password });
  const me = await request(`${baseUrl}/api/trpc/user.me`, { headers: { cookie } });
  const user = me.json?.result?.data?.json;
  if (me.status !== 200 || !user?.id)
    throw new Error(`user.me for ${email} answered ${me.status}: ${me.text.slice(0, 300)}`);
  return user;
}

/**
 * Signs in with email + password through next-auth's credentials callback
 * (GET /api/auth/csrf, then POST /api/auth/callback/credentials) and
 * returns the Cookie header carrying the session token.
 */
export async function signIn(baseUrl, { email, password }) {
  const jar = new CookieJar();
  const csrf = await request(`${baseUrl}/api/auth/csrf`);
  if (csrf.status !== 200 || !csrf.json?.csrfToken)
    throw new Error(`/api/auth/csrf answered ${csrf.status}: ${csrf.text.slice(0, 300)}`);
  jar.store(csrf.headers);

  const form = new URLSearchParams({
    csrfToken: csrf.json.csrfToken,
    email,
    password,
    json: "true",
    callbackUrl: baseUrl,
  });
  const res = await request(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: form.toString(),
  });
  jar.store(res.headers);
  const session = jar.get("next-auth.session-token") ?? jar.get("__Secure-next-auth.session-token");
  const target = res.json?.url ?? res.headers.get("location") ?? "";
  if (!session || /[?&]error=/.test(target)) {
    throw new Error(`sign-in for ${email} failed (HTTP ${res.status}, ${target || res.text.slice(0, 300)})`);
  }
  const name = jar.get("next-auth.session-token") ? "next-auth.session-token" : "__Secure-next-auth.session-token";
  return `${name}=${session}`;
}
