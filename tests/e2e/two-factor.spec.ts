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

/**
 * Signs in as `person` with the password, then submits `code()` at the two-factor step; answers with what
 * the form did. The whole suite signs in from this machine's one address, whose sign-in budget earlier specs
 * may have spent (LOGIN_WINDOW_SECONDS is 60 here): an attempt refused as too many waits for the window to
 * move on and starts again from the password, as userContext does.
 */
async function signInWithCode(page: Page, code: () => Promise<string>): Promise<"signed in" | "refused"> {
  const throttled = page.getByRole("alert").filter({ hasText: "Too many sign-in attempts" });
  const signIn = page.getByRole("button", { name: "Sign in", exact: true });
  for (let attempt = 0; attempt < 40; attempt++) {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await signIn.click();
    const codeField = page.getByLabel("Two-factor code");
    await expect(codeField.or(throttled).first()).toBeVisible();
    if (await throttled.isVisible()) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      continue;
    }
    await codeField.fill(await code());
    await signIn.click();
    const home = page.getByRole("heading", { name: "Projects", level: 1 });
    const wrong = page.getByText("That code is not right").first();
    await expect(home.or(wrong).or(throttled).first()).toBeVisible();
    if (await home.isVisible()) return "signed in";
    if (await wrong.isVisible()) return "refused";
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  throw new Error("Sign-in was refused as too many attempts for over three minutes (a window is 60 s here)");
}

test("set up two-factor sign-in, then sign in with a code and with a recovery code", async ({ browser }) => {
  // Room to wait out a spent sign-in window (60 s) more than once; see signInWithCode.
  test.setTimeout(300_000);
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
      expect(await signInWithCode(fresh, async () => "000000")).toBe("refused");
      await expect(fresh).toHaveURL(/\/sign-in/);
      // A code for the next step: the one used at setup is never taken again.
      const next = () => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
      expect(await signInWithCode(fresh, next)).toBe("signed in");
      await expect(fresh).toHaveURL(/\/projects/);
    });
    await test.step("a recovery code signs in once", async () => {
      await signInContext.clearCookies();
      expect(await signInWithCode(fresh, async () => recovery)).toBe("signed in");
      await expect(fresh).toHaveURL(/\/projects/);
      await signInContext.clearCookies();
      expect(await signInWithCode(fresh, async () => recovery)).toBe("refused");
    });
  } finally {
    await signInContext.close();
  }
});
