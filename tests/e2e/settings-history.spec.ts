/**
 * Project settings history: a project admin changes the description in settings, opens the History tab,
 * sees the change as a diff against the earlier version, restores that version, and the old description is
 * back (as a new version).
 */
import { expect, test } from "@playwright/test";

import { trpc, userContext } from "./support/users";

const stamp = Date.now();
/** Project keys are letters only, so the run's timestamp is spelled with A–J. */
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");

const admin = { name: "Hedy History", email: `hedy.${stamp}@example.test` };
const password = "Verified-Basalt-47";
const project = { key: `H${letters(stamp).slice(-7)}`, name: `Ground Station ${stamp}` };

test("settings history: a change shows as a diff and an earlier version is restored", async ({ browser }) => {
  const { context, page } = await userContext(browser, admin, password);
  await trpc(context.request, "project.create", {
    key: project.key,
    name: project.name,
    description: "Tracks antenna pointing",
  });
  const general = page.getByRole("region", { name: "General" });

  await test.step("the admin changes the description", async () => {
    await page.goto(`/projects/${project.key}/settings`);
    await general.getByLabel("Description").fill("Tracks antenna pointing and telemetry");
    await general.getByRole("button", { name: "Save changes" }).click();
    await expect(general.getByText("Saved as version 2")).toBeVisible();
  });

  const history = page.getByRole("region", { name: "History" });
  const versions = history.getByRole("list", { name: "Settings versions" });

  await test.step("the History tab lists the change and shows it as a diff", async () => {
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "History" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.key}/settings/history$`));
    await expect(versions.getByRole("listitem")).toHaveCount(2);
    await expect(versions.getByRole("listitem").first()).toContainText("Version 2");
    await expect(versions.getByRole("listitem").first()).toContainText("Description");
    await expect(versions.getByRole("listitem").first()).toContainText(admin.name);

    await versions.getByRole("button", { name: /Version 1/ }).click();
    const change = history.locator('[data-field="description"]');
    await expect(change).toBeVisible();
    await expect(change.getByRole("insertion")).toHaveText(/and telemetry/);
    await page.screenshot({ path: "test-results/settings-history/history-desktop.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "test-results/settings-history/history-phone.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("restoring version 1 brings the old description back as version 3", async () => {
    await history.getByRole("button", { name: "Restore this version" }).click();
    const dialog = page.getByRole("dialog", { name: "Restore version 1?" });
    await dialog.getByRole("button", { name: "Restore version 1" }).click();
    await expect(dialog).toBeHidden();
    await expect(versions.getByRole("listitem")).toHaveCount(3);
    await expect(versions.getByRole("listitem").first()).toContainText("Restored version 1");

    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "General" }).click();
    await expect(general.getByLabel("Description")).toHaveValue("Tracks antenna pointing");
  });
});
