/**
 * Signing people up and calling the API from a browser context, for specs
 * that need several users each in their own session.
 */
import {
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  expect,
  type Page,
} from "@playwright/test";

/** Calls a procedure as the context's signed-in user; fails the test unless it answers 200. */
export async function trpc<T = unknown>(request: APIRequestContext, path: string, json: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, {
    data: JSON.stringify({ json }),
    headers: { "content-type": "application/json" },
  });
  const body = await res.json();
  expect(res.status(), `${path}: ${JSON.stringify(body)}`).toBe(200);
  return body.result.data.json as T;
}

/** A new browser context in which `user` signed up and signed in with `password`. */
export async function userContext(
  browser: Browser,
  user: { name: string; email: string },
  password: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const request = context.request;
  await trpc(request, "auth.register", { email: user.email, name: user.name, password });
  // Every spec signs in from this machine's one address, and the throttling specs spend its budget on purpose
  // (LOGIN_WINDOW_SECONDS is 60 here): a sign-in refused as too many attempts waits for the window to move on.
  for (let attempt = 0; ; attempt++) {
    const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await request.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: user.email, password, json: "true" },
      maxRedirects: 0,
    });
    const throttled = res.status() === 401 && /TooManyAttempts/.test(await res.text());
    if (!throttled || attempt >= 30) {
      expect(res.status()).toBeLessThan(400);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  return { context, page: await context.newPage() };
}

/**
 * Brings `invitee` into the project as `role` the way people join: the
 * admin invites their address, they accept the invitation from the app.
 */
export async function addMember(
  admin: APIRequestContext,
  invitee: APIRequestContext,
  opts: { projectKey: string; email: string; role: "REPORTER" | "MAINTAINER" | "ADMIN" },
): Promise<void> {
  const invitation = await trpc<{ id: string }>(admin, "project.members.add", opts);
  await trpc(invitee, "invitation.accept", { id: invitation.id });
}
