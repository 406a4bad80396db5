/**
 * Custom requirement attributes from project settings to the requirement page: a project admin adds a
 * required single-choice attribute and a text one, reorders them from the keyboard and saves; a requirement
 * written before the rule can still be retitled; a new requirement must choose a value, which the
 * requirement page shows and an edit changes. Then the attribute is retired: the old value stays on the
 * page, marked retired, and the form no longer offers it.
 */
import { expect, test } from "@playwright/test";

import { trpc, userContext } from "./support/users";

const stamp = Date.now();
/** Project keys are letters only, so the run's timestamp is spelled with A–J. */
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");

const admin = { name: "Ada Attributes", email: `ada.${stamp}@example.test` };
const password = "Verified-Basalt-47";
const project = { key: `A${letters(stamp).slice(-7)}`, name: `Flight Software ${stamp}` };

test("attributes: defined in settings, required on new requirements, shown on the page, retired", async ({
  browser,
}) => {
  const { context, page } = await userContext(browser, admin, password);
  await trpc(context.request, "project.create", { key: project.key, name: project.name });
  const old = await trpc<{ key: string }>(context.request, "requirement.create", {
    projectKey: project.key,
    title: "Boot within 2 seconds",
  });
  const settingsSection = page.getByRole("region", { name: "Attributes" });

  await test.step("the admin adds a required single-choice attribute and a text one", async () => {
    await page.goto(`/projects/${project.key}/settings`);
    await expect(settingsSection.getByText("No attributes yet")).toBeVisible();

    await settingsSection.getByRole("button", { name: "Add attribute" }).click();
    let form = settingsSection.getByRole("form", { name: "New attribute" });
    await expect(form.getByLabel("Label")).toBeFocused();
    await form.getByLabel("Label").fill("Verification method");
    await expect(form.getByLabel("Key")).toHaveValue("verificationMethod");
    await form.getByLabel("Type").selectOption({ label: "Single choice" });
    await form.getByRole("button", { name: "Add to list" }).click();
    await expect(form.getByText("An enum attribute needs at least one option")).toBeVisible();
    await form.getByLabel("Options").fill("Test\nAnalysis\nInspection");
    await form.getByRole("switch", { name: "Required" }).click();
    await form.getByRole("button", { name: "Add to list" }).click();
    await expect(form).toBeHidden();

    await settingsSection.getByRole("button", { name: "Add attribute" }).click();
    form = settingsSection.getByRole("form", { name: "New attribute" });
    await form.getByLabel("Label").fill("Owner");
    await form.getByLabel("Label").press("Enter");
    await expect(form).toBeHidden();

    // Owner moves above Verification method from the keyboard; focus stays on the moved row.
    await settingsSection.getByRole("button", { name: "Move Owner up" }).focus();
    await page.keyboard.press("Enter");
    await expect(settingsSection.getByRole("button", { name: "Move Owner down" })).toBeFocused();
    const rows = settingsSection.getByRole("list", { name: "Attributes" }).getByRole("listitem");
    await expect(rows.nth(0)).toContainText("Owner");
    await expect(rows.nth(1)).toContainText("Verification method");
    await expect(rows.nth(1)).toContainText("Required");
    await expect(rows.nth(1)).toContainText("Test · Analysis · Inspection");

    await settingsSection.getByRole("button", { name: "Save changes" }).click();
    await expect(settingsSection.getByText("Saved as version 2")).toBeVisible();
    await page.reload();
    await expect(rows.nth(0)).toContainText("Owner");
    await expect(rows.nth(1)).toContainText("Verification method");

    await settingsSection.screenshot({ path: "test-results/attributes-settings-desktop.png" });
    await page.setViewportSize({ width: 390, height: 900 });
    await settingsSection.screenshot({ path: "test-results/attributes-settings-phone.png" });
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  await test.step("a requirement written before the rule can still be retitled", async () => {
    await page.goto(`/projects/${project.key}/requirements/${old.key}`);
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const form = page.getByRole("form", { name: `Edit ${old.key}` });
    await form.getByLabel("Title").fill("Boot within 1 second");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved as version 2" })).toBeVisible();
  });

  let reqPath = "";
  await test.step("a new requirement must choose a verification method, shown on its page", async () => {
    await page.goto(`/projects/${project.key}/requirements`);
    await page.getByRole("button", { name: "New requirement" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New requirement" });
    await dialog.getByLabel("Title").fill("Log every command");
    await dialog.getByLabel("Statement").fill("The system shall log every command it receives.");
    await dialog.getByRole("button", { name: "Create requirement" }).click();
    await expect(dialog.getByText("Verification method is required")).toBeVisible();
    await dialog.getByLabel(/^Verification method/).selectOption("Analysis");
    await dialog.getByRole("button", { name: "Create requirement" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.key}/requirements/${project.key}-\\d+$`));
    reqPath = new URL(page.url()).pathname;
    const details = page.getByRole("complementary", { name: "Details" });
    await expect(details.locator("div", { has: page.getByText("Verification method") }).last()).toContainText(
      "Analysis",
    );
  });

  await test.step("an edit changes the value", async () => {
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const form = page.getByRole("form", { name: /^Edit / });
    await form.getByLabel(/^Verification method/).selectOption("Test");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved as version 2" })).toBeVisible();
    const details = page.getByRole("complementary", { name: "Details" });
    await expect(details.locator("div", { has: page.getByText("Verification method") }).last()).toContainText("Test");
  });

  await test.step("retired, the value stays on the page marked retired and leaves the form", async () => {
    await page.goto(`/projects/${project.key}/settings`);
    await settingsSection.getByRole("button", { name: "Edit Verification method" }).click();
    const form = settingsSection.getByRole("form", { name: "Edit Verification method" });
    await expect(form.getByLabel("Key")).toHaveAttribute("readonly", "");
    await form.getByRole("switch", { name: "Retired" }).click();
    await settingsSection.screenshot({ path: "test-results/attributes-editor-desktop.png" });
    await page.setViewportSize({ width: 390, height: 900 });
    await settingsSection.screenshot({ path: "test-results/attributes-editor-phone.png" });
    await page.setViewportSize({ width: 1280, height: 720 });
    await form.getByRole("button", { name: "Done" }).click();
    await settingsSection.getByRole("button", { name: "Save changes" }).click();
    await expect(settingsSection.getByText("Saved as version 3")).toBeVisible();

    await page.goto(reqPath);
    const row = page
      .getByRole("complementary", { name: "Details" })
      .locator("div", { has: page.getByText("Verification method") })
      .last();
    await expect(row).toContainText("Retired");
    await expect(row).toContainText("Test");
    await page.getByRole("complementary", { name: "Details" }).screenshot({
      path: "test-results/attributes-requirement-retired.png",
    });
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const edit = page.getByRole("form", { name: /^Edit / });
    await expect(edit.getByLabel(/^Owner/)).toBeVisible();
    await expect(edit.getByLabel(/^Verification method/)).toHaveCount(0);
  });

  await context.close();
});
