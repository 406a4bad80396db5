/**
 * Light, dark and system themes from the account menu: applied at once,
 * rendered by the server on the next page (no script before paint, so the
 * nonce policy has nothing to allow), and remembered per account on another
 * device.
 */
import { type Browser, expect, type Page, test } from "@playwright/test";

import { userContext } from "./support/users";

const stamp = Date.now();
const password = "Theme-Lantern-Basalt-19";
const user = { name: "Theo Theme", email: `theo.${stamp}@example.test` };

/** Whether the page's background is dark: its colour (lab, oklch…) painted on a canvas and read back as RGB. */
async function darkBackground(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 1;
    canvas.height = 1;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no canvas");
    ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
    ctx.fillRect(0, 0, 1, 1);
    const [r = 0, g = 0, b = 0] = ctx.getImageData(0, 0, 1, 1).data;
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.2;
  });
}

async function chooseTheme(page: Page, label: "Light" | "Dark" | "System") {
  await page.getByRole("button", { name: `Account menu for ${user.name}` }).click();
  await page.getByRole("group", { name: "Theme" }).getByText(label, { exact: true }).click();
  await page.keyboard.press("Escape");
}

async function signedIn(browser: Browser, colorScheme: "light" | "dark") {
  const context = await browser.newContext({ colorScheme });
  const { csrfToken } = (await (await context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await context.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: user.email, password, json: "true" },
    maxRedirects: 0,
  });
  return { context, page: await context.newPage() };
}

test("themes: light, dark and system, shown at once and remembered per account", async ({ browser }) => {
  const { context, page } = await userContext(browser, user, password, { colorScheme: "light" });
  const policyErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) policyErrors.push(m.text());
  });
  await page.goto("/projects");
  expect(await darkBackground(page)).toBe(false);

  await test.step("dark at once, and from the server on the next page", async () => {
    await chooseTheme(page, "Dark");
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await expect.poll(() => darkBackground(page)).toBe(true);
    const html = await (await context.request.get("/projects")).text();
    expect(html).toMatch(/<html[^>]*class="dark"/);
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  });

  await test.step("another device takes the account's theme", async () => {
    const other = await signedIn(browser, "light");
    await other.page.goto("/projects");
    await expect(other.page.locator("html")).toHaveClass(/\bdark\b/);
    await expect.poll(() => darkBackground(other.page)).toBe(true);
    await other.context.close();
  });

  await test.step("system follows the device", async () => {
    await chooseTheme(page, "System");
    await expect(page.locator("html")).not.toHaveClass(/\b(dark|light)\b/);
    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(() => darkBackground(page)).toBe(true);
    await page.emulateMedia({ colorScheme: "light" });
    await expect.poll(() => darkBackground(page)).toBe(false);
  });

  await test.step("light stays light on a dark device", async () => {
    await chooseTheme(page, "Light");
    await page.emulateMedia({ colorScheme: "dark" });
    await expect(page.locator("html")).toHaveClass(/\blight\b/);
    await expect.poll(() => darkBackground(page)).toBe(false);
  });

  expect(policyErrors).toEqual([]);
  await context.close();
});
