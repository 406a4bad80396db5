/**
 * Every page under the nonce Content-Security-Policy of proxy.ts: the policy
 * a page is served with, and a signed-in admin's walk through every page of
 * the app (each page.tsx under app/) with no console error, page error or
 * policy violation. With E2E_DATABASE_URL the user is made an instance admin
 * in the database, so the admin pages show their content; on the embedded
 * database (whose admin is seeded) they show "admins only".
 */
import { readdirSync } from "node:fs";
import path from "node:path";

import { type APIRequestContext, expect, type Page, test } from "@playwright/test";

const stamp = Date.now();
const uniq = () => `${stamp.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const password = "Nonce-Harbor-Lantern-58";
const projectKey = `C${letters(stamp).slice(-7)}`;
const user = { name: "Casey Policy", email: `casey.${uniq()}@example.test` };

async function trpc<T = unknown>(request: APIRequestContext, procedure: string, json: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${procedure}`, {
    data: JSON.stringify({ json }),
    headers: { "content-type": "application/json" },
  });
  const body = await res.json();
  expect(res.status(), `${procedure}: ${JSON.stringify(body)}`).toBe(200);
  return body.result.data.json as T;
}

/** Waits until every request the page made has answered, so anything they would log is on the console by now. */
async function settle(page: Page) {
  // biome-ignore lint/suspicious/noPlaywrightNetworkidle: the wait is for all of a page's requests, not for one element.
  await page.waitForLoadState("networkidle");
}

/** The directives of a policy by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

/** The route pattern of each page.tsx under app/: route groups dropped, a dynamic segment matches one segment. */
function pageRoutes(): { file: string; pattern: RegExp }[] {
  const app = path.join(process.cwd(), "app");
  return readdirSync(app, { recursive: true, encoding: "utf8" })
    .filter((file) => path.basename(file) === "page.tsx")
    .map((file) => {
      const segments = path
        .dirname(file)
        .split(path.sep)
        .filter((s) => s !== "." && !/^\(.*\)$/.test(s))
        .map((s) => (/^\[.+\]$/.test(s) ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      return { file: `app/${file}`, pattern: new RegExp(`^/${segments.join("/")}$`) };
    });
}

test("pages are served with a nonce policy that allows no inline script", async ({ request }) => {
  const first = await request.get("/sign-in");
  const second = await request.get("/sign-in");
  const nonces: string[] = [];
  for (const res of [first, second]) {
    expect(res.status()).toBe(200);
    const h = res.headers();
    const policy = directives(h["content-security-policy"] ?? "");
    const scriptSrc = policy.get("script-src") ?? [];
    const nonce = scriptSrc.find((v) => v.startsWith("'nonce-"))?.slice("'nonce-".length, -1);
    expect(nonce, h["content-security-policy"]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(scriptSrc).toContain("'strict-dynamic'");
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    // Style elements need the nonce as well; only style attributes are allowed inline.
    expect(policy.get("style-src")).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(policy.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(h["cross-origin-opener-policy"]).toBe("same-origin");
    expect(h["x-frame-options"]).toBe("DENY");
    // Exactly one policy: two would both apply.
    expect(res.headersArray().filter((x) => x.name.toLowerCase() === "content-security-policy")).toHaveLength(1);
    // Every script the page ships carries this response's nonce.
    const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    nonces.push(nonce as string);
  }
  expect(nonces[0]).not.toBe(nonces[1]);

  // The API is no document: a policy that allows nothing, and the same other headers.
  const api = await request.get("/api/health");
  expect(api.headers()["content-security-policy"]).toBe(
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
  expect(api.headers()["cross-origin-opener-policy"]).toBe("same-origin");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});

test("every page loads under the nonce policy with no console error or violation", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  /** A document that is meant to answer 404 logs that as a failed load; nothing else may. */
  let expectedNotFound: string | null = null;
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    if (expectedNotFound && msg.location().url === expectedNotFound && msg.text().includes("404")) return;
    problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  await page.addInitScript(() => {
    const w = window as unknown as { policyViolations: string[] };
    w.policyViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.policyViolations.push(
        `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });

  const visited: string[] = [];
  async function visit(url: string, { status = 200, heading }: { status?: number; heading?: string | RegExp } = {}) {
    const absolute = new URL(url, baseURL);
    expectedNotFound = status === 404 ? absolute.href : null;
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(status);
    await settle(page);
    if (heading) await expect(page.getByRole("heading", { name: heading }).first()).toBeVisible();
    // The framework's scripts ran: they were allowed by the nonce.
    expect(await page.evaluate(() => typeof (window as { next?: { version?: string } }).next?.version), url).toBe(
      "string",
    );
    const violations = await page.evaluate(
      () => (window as unknown as { policyViolations: string[] }).policyViolations,
    );
    expect(violations, url).toEqual([]);
    expect(problems, url).toEqual([]);
    visited.push(new URL(page.url()).pathname, absolute.pathname);
  }

  await test.step("signed out: sign-in, sign-up and the pages emailed links open", async () => {
    await visit("/sign-up", { heading: "Create your account" });
    await visit("/forgot-password");
    // A well-formed token shows the form (whether it is valid is known only when it is used).
    await visit(`/reset-password?token=${"A".repeat(43)}`, { heading: "Choose a new password" });
    await visit(`/invitations/${"A".repeat(43)}`, { heading: /not valid/i });
    // Signed out, the verification page sends people to sign in first.
    await visit("/verify-email", { heading: "Sign in to Specline" });
    // The REST API reference is public, like the OpenAPI document it is drawn from.
    await visit("/docs/api", { heading: "Specline API" });
    await visit("/sign-in", { heading: "Sign in to Specline" });
  });

  const request = page.context().request;
  let refs: { requirement: string; issue: string; baseline: string };
  await test.step("a user signs in through the form and sets up a project", async () => {
    await trpc(request, "auth.register", { email: user.email, name: user.name, password });
    const databaseUrl = process.env.E2E_DATABASE_URL;
    if (databaseUrl) {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`UPDATE "User" SET role = 'ADMIN' WHERE email = $1`, [user.email]);
      } finally {
        await client.end();
      }
    }
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/projects$/);

    await trpc(request, "project.create", { key: projectKey, name: `Policy ${stamp}` });
    const parent = await trpc<{ key: string }>(request, "requirement.create", {
      projectKey,
      title: "Take card payments",
      statement: "The system shall take **card** payments.",
    });
    const child = await trpc<{ key: string; version: number }>(request, "requirement.create", {
      projectKey,
      title: "Refuse expired cards",
      statement: "The system shall refuse expired cards.",
      parentKey: parent.key,
    });
    const issue = await trpc<{ key: string }>(request, "issue.create", {
      projectKey,
      title: "Expired cards are charged",
      description: "Seen in **staging**.",
      severity: "HIGH",
    });
    await trpc(request, "traceLink.create", { projectKey, from: issue.key, to: child.key, type: "IMPLEMENTS" });
    const baseline = await trpc<{ id: string }>(request, "baseline.create", { projectKey, name: "Release 1" });
    await trpc(request, "requirement.update", {
      key: child.key,
      expectedVersion: child.version,
      statement: "The system shall refuse expired and blocked cards.",
    });
    // Statistics for today, so the dashboard draws its charts.
    await trpc(request, "stats.refresh", { projectKey });
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const upload = await request.post(`/api/issues/${issue.key}/attachments`, {
      multipart: { file: { name: "screen.png", mimeType: "image/png", buffer: png } },
    });
    expect(upload.status()).toBe(201);
    refs = { requirement: child.key, issue: issue.key, baseline: baseline.id };
  });

  await test.step("signed in: every page of the app", async () => {
    const p = `/projects/${projectKey}`;
    await visit("/", { heading: "Projects" });
    await visit("/projects", { heading: "Projects" });
    await visit(p, { heading: `Policy ${stamp}` });
    await visit(`${p}/requirements`);
    await visit(`${p}/requirements/${refs.requirement}`, { heading: "Refuse expired cards" });
    // History and the diff between two versions, side by side and inline.
    await visit(`${p}/requirements/${refs.requirement}?from=1&to=2`);
    await visit(`${p}/requirements/${refs.requirement}?from=1&to=2&diff=inline`);
    await visit(`${p}/baselines`);
    await visit(`${p}/baselines?from=${refs.baseline}&to=HEAD`);
    await visit(`${p}/baselines/${refs.baseline}`);
    await visit(`${p}/issues`, { heading: "Issues" });
    await visit(`${p}/issues/${refs.issue}`, { heading: "Expired cards are charged" });
    await visit(`${p}/traceability`, { heading: "Traceability" });
    await visit(`${p}/dashboard`);
    await visit(`${p}/import`, { heading: "Import and export" });
    await visit(`${p}/settings`);
    await visit(`${p}/settings/integrations`);
    await visit(`${p}/settings/history`);
    await visit("/notifications", { heading: "Notifications" });
    await visit("/settings/preferences", { heading: "Preferences" });
    await visit("/settings/security", { heading: "Security" });
    await visit("/settings/tokens", { heading: "API tokens" });
    const admin = Boolean(process.env.E2E_DATABASE_URL);
    await visit("/admin", { heading: admin ? "Administration" : /admins only/i });
    await visit("/admin?tab=audit");
    await visit("/admin?tab=security");
    await visit("/admin/jobs", { heading: admin ? "Background jobs" : /admins only/i });
    await visit("/admin/system", { heading: admin ? "System" : /admins only/i });
    await visit("/no-such-page", { status: 404 });
    await visit("/projects/NOSUCH", { status: 404 });
  });

  await test.step("client-side navigation stays within the policy", async () => {
    await visit(`/projects/${projectKey}`);
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Requirements" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${projectKey}/requirements$`));
    await settle(page);
    expect(await page.evaluate(() => (window as unknown as { policyViolations: string[] }).policyViolations)).toEqual(
      [],
    );
    expect(problems).toEqual([]);
  });

  const unvisited = pageRoutes().filter(({ pattern }) => !visited.some((v) => pattern.test(v)));
  expect(
    unvisited.map((r) => r.file),
    "a page.tsx this test does not visit",
  ).toEqual([]);
});
