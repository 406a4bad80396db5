/**
 * The account lifecycle in Chromium against the production server: a
 * forgotten password reset through the emailed link (read from the mail
 * folder, where the server writes messages without SMTP), and sessions that
 * end for real — everywhere at once from another browser, and for a copied
 * cookie once its browser signed out.
 */
import { type APIRequestContext, type BrowserContext, expect, test } from "@playwright/test";

import { waitForMail } from "./support/mail";
import { userContext } from "./support/users";

const stamp = Date.now().toString(36);
const uniq = () => `${stamp}${Math.random().toString(36).slice(2, 7)}`;
const password = "Lantern-Orchard-Basil-64";

async function signedIn(request: APIRequestContext): Promise<boolean> {
  return (await request.get("/api/trpc/user.me")).status() === 200;
}

test("a forgotten password is reset through the emailed link, and the new one signs in", async ({ browser }) => {
  const person = { name: "Petra Forgetful", email: `petra.${uniq()}@example.test` };
  // Signed in somewhere already: the reset ends that session too.
  const elsewhere = await userContext(browser, person, password);
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto("/sign-in");
    await page.getByRole("link", { name: /forgot password/i }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await page.getByLabel("Email").fill(person.email);
    await page.getByRole("button", { name: /send|reset/i }).click();
    await expect(page.getByRole("status")).toContainText(person.email);

    const mail = await waitForMail(person.email, /Subject: Reset your Specline password/);
    const link = mail.match(/https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]{43}/)?.[0];
    expect(link).toBeDefined();
    await page.goto(new URL(link!).pathname + new URL(link!).search);
    const fresh = "Quartz-Meadow-Falcon-19";
    await page.getByLabel("New password", { exact: true }).fill(fresh);
    await page.getByLabel(/confirm/i).fill(fresh);
    await page.getByRole("button", { name: /set|change|reset/i }).click();
    await expect(page.getByRole("status")).toContainText(/signed out everywhere/i);
    expect(await signedIn(elsewhere.context.request)).toBe(false);
    await page.screenshot({ path: "test-results/accounts-reset-done.png" });

    // The link worked once.
    await page.goto(new URL(link!).pathname + new URL(link!).search);
    await page.getByLabel("New password", { exact: true }).fill("Another-Attempt-Here-55");
    await page.getByLabel(/confirm/i).fill("Another-Attempt-Here-55");
    await page.getByRole("button", { name: /set|change|reset/i }).click();
    await expect(page.getByText(/not valid any more/i)).toBeVisible();

    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText(/incorrect email or password/i)).toBeVisible();
    await page.getByLabel("Password", { exact: true }).fill(fresh);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/projects/);
  } finally {
    await context.close();
    await elsewhere.context.close();
  }
});

test("signing out everywhere from a second browser signs the first one out", async ({ browser }) => {
  const person = { name: "Sam Twobrowsers", email: `sam.${uniq()}@example.test` };
  const first = await userContext(browser, person, password);
  let second: BrowserContext | null = null;
  try {
    await first.page.goto("/projects");
    await expect(first.page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();

    second = await browser.newContext();
    const page = await second.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/projects/);

    await page.goto("/settings/security");
    // Both browsers are listed; this one is marked.
    await expect(page.getByText("This device")).toBeVisible();
    await page.screenshot({ path: "test-results/accounts-security.png", fullPage: true });
    await page.getByRole("button", { name: /sign out of all sessions/i }).click();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: /sign out/i })
      .click();
    await expect(page).toHaveURL(/\/sign-in/);

    expect(await signedIn(first.context.request)).toBe(false);
    await first.page.reload();
    await expect(first.page).toHaveURL(/\/sign-in/);
  } finally {
    await first.context.close();
    await second?.close();
  }
});

test("a copied session cookie is refused once its browser signed out", async ({ browser }) => {
  const person = { name: "Cora Copied", email: `cora.${uniq()}@example.test` };
  const owner = await userContext(browser, person, password);
  const thief = await browser.newContext();
  try {
    await thief.addCookies(await owner.context.cookies());
    expect(await signedIn(thief.request)).toBe(true);

    await owner.page.goto("/projects");
    await owner.page.getByRole("button", { name: /account menu/i }).click();
    await owner.page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(owner.page).toHaveURL(/\/sign-in/);

    expect(await signedIn(thief.request)).toBe(false);
  } finally {
    await owner.context.close();
    await thief.close();
  }
});

test("a token made on the settings page lets another program read, and a read-only one not write", async ({
  browser,
  playwright,
  baseURL,
}) => {
  const person = { name: "Priya Programs", email: `priya.${uniq()}@example.test` };
  const { context, page } = await userContext(browser, person, password);
  try {
    await page.goto("/settings/tokens");
    await page.getByLabel("Token name").fill("Nightly export");
    await page.getByRole("radio", { name: "Read only" }).check();
    await page.getByRole("button", { name: "Create token" }).click();
    const token = await page.getByTestId("new-api-token").inputValue();
    expect(token).toMatch(/^spl_[A-Za-z0-9_-]{32}$/);
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("api-token-row")).toContainText("Nightly export");
    await page.screenshot({ path: "test-results/api-tokens.png", fullPage: true });

    // Another program: no cookie, only the token.
    const program = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: { authorization: `Bearer ${token}` },
    });
    try {
      const me = await program.get("/api/trpc/user.me");
      expect(me.status()).toBe(200);
      expect((await me.json()).result.data.json.email).toBe(person.email);
      const write = await program.post("/api/trpc/project.create", {
        data: JSON.stringify({ json: { key: "NOWRITE", name: "Refused" } }),
        headers: { "content-type": "application/json", origin: "https://tools.example" },
      });
      expect(write.status()).toBe(403);
    } finally {
      await program.dispose();
    }

    await page.getByRole("button", { name: "Revoke Nightly export" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Revoked" })).toBeVisible();
    const after = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: { authorization: `Bearer ${token}` },
    });
    expect((await after.get("/api/trpc/user.me")).status()).toBe(401);
    await after.dispose();
  } finally {
    await context.close();
  }
});
