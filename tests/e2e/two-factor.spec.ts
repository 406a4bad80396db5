/**
 * Two-factor sign-in in Chromium: set up from the security settings with a
 * code computed from the key the page shows, then sign in with the password
 * and a code — and with a recovery code, once.
 */
import { expect, type Page, test } from "@playwright/test";
import { generate } from "otplib";

import { userContext } from "./support/users";

const password = "Cedar-Beacon-Violet-63";
const person = { name: "Tara Twofactor", email: `tara.${Date.now().toString(36)}@example.test` };

async function passwordStep(page: Page) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByLabel("Two-factor code")).toBeVisible();
}

test("set up two-factor sign-in, then sign in with a code and with a recovery code", async ({ browser }) => {
  const { context, page } = await userContext(browser, person, password);
  let secret = "";
  let recovery = "";
  await test.step("turn it on from the security settings", async () => {
    await page.goto("/settings/security");
    await page.getByRole("button", { name: "Set up" }).click();
    await expect(page.getByAltText("QR code for your authenticator app")).toBeVisible();
    secret = (await page.getByTestId("two-factor-secret").textContent())?.replace(/\s/g, "") ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByLabel("Code from the app").fill(await generate({ secret }));
    await page.getByRole("button", { name: "Turn on" }).click();
    await expect(page.getByRole("heading", { name: "Save your recovery codes" })).toBeVisible();
    const codes = await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allTextContents();
    expect(codes).toHaveLength(10);
    recovery = codes[0]?.trim() ?? "";
    await page.screenshot({ path: "test-results/two-factor-codes.png", fullPage: true });
    await page.getByRole("button", { name: "I saved them" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Two-factor sign-in is on." })).toBeVisible();
  });
  await context.close();

  const signInContext = await browser.newContext();
  const fresh = await signInContext.newPage();
  try {
    await test.step("the password alone is not enough; a wrong code is refused; the right one signs in", async () => {
      await passwordStep(fresh);
      await fresh.getByLabel("Two-factor code").fill("000000");
      await fresh.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(fresh.getByText("That code is not right").first()).toBeVisible();
      // A code for the next step: the one used at setup is never taken again.
      await fresh
        .getByLabel("Two-factor code")
        .fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
      await fresh.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(fresh).toHaveURL(/\/projects/);
    });
    await test.step("a recovery code signs in once", async () => {
      await signInContext.clearCookies();
      await passwordStep(fresh);
      await fresh.getByLabel("Two-factor code").fill(recovery);
      await fresh.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(fresh).toHaveURL(/\/projects/);
      await signInContext.clearCookies();
      await passwordStep(fresh);
      await fresh.getByLabel("Two-factor code").fill(recovery);
      await fresh.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(fresh.getByText("That code is not right").first()).toBeVisible();
    });
  } finally {
    await signInContext.close();
  }
});
