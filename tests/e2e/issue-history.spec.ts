/**
 * An issue's history and its links to other issues, in Chromium: the
 * description edited in the browser shows as a word-level diff in the
 * History tab; marking an issue a duplicate closes it and shows on both.
 */
import { expect, test } from "@playwright/test";

import { addMember, trpc, userContext } from "./support/users";

const stamp = Date.now();
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const projectKey = `H${letters(stamp).slice(-7)}`;
const password = "History-Lantern-Quarry-58";

test("an issue's description diff in its history, and a duplicate closed from its links", async ({ browser }) => {
  const maintainer = await userContext(
    browser,
    { name: "Hana Maintainer", email: `hana.${stamp}@example.test` },
    password,
  );
  const reporter = await userContext(browser, { name: "Remy Reporter", email: `remy.${stamp}@example.test` }, password);
  const api = maintainer.context.request;
  await trpc(api, "project.create", { key: projectKey, name: `History ${stamp}` });
  await addMember(api, reporter.context.request, {
    projectKey,
    email: `remy.${stamp}@example.test`,
    role: "REPORTER",
  });
  const original = await trpc<{ key: string }>(reporter.context.request, "issue.create", {
    projectKey,
    title: "Export loses the history",
    description: "Exported files keep only the latest version.",
    severity: "HIGH",
  });
  const copy = await trpc<{ key: string }>(reporter.context.request, "issue.create", {
    projectKey,
    title: "Old versions missing from the export",
    description: "Same as the other one, I think.",
    severity: "MEDIUM",
  });

  const { page } = maintainer;
  await page.goto(`/projects/${projectKey}/issues/${original.key}`);
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await page
    .getByRole("textbox", { name: "Description" })
    .fill("Exported files keep only the latest version of each requirement.");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Exported files keep only the latest version of each requirement.")).toBeVisible();

  await test.step("the History tab shows the edit in words and as a word-level diff", async () => {
    await page.getByRole("tab", { name: "History" }).click();
    const versions = page.getByRole("list", { name: "Versions" });
    await expect(versions.getByRole("listitem")).toHaveCount(2);
    await expect(versions.getByRole("listitem").first()).toContainText("Hana Maintainer edited the description");
    await expect(versions.getByRole("listitem").last()).toContainText("Remy Reporter reported the issue");
    await versions.getByRole("button", { name: "Show changes" }).click();
    const changes = page.getByRole("region", { name: "Changes in version 2" });
    const description = changes.locator('[data-field="Description"]');
    await expect(description.locator("ins")).toHaveText("Added: of each requirement");
    await expect(description.locator("del")).toHaveCount(0);
    await page.screenshot({ path: "test-results/issue-history/history-desktop.png", fullPage: true });
  });

  await test.step("marking an issue a duplicate closes it, and the link shows on both issues", async () => {
    await page.goto(`/projects/${projectKey}/issues/${copy.key}`);
    await page.getByRole("button", { name: "Link issue" }).click();
    const form = page.getByRole("form", { name: "Link to another issue" });
    await form.getByLabel("This issue").selectOption("duplicates");
    await form.getByLabel("Issue", { exact: true }).fill(original.key);
    await expect(form.getByLabel(`Close ${copy.key} as a duplicate (Won’t fix)`)).toBeChecked();
    await form.getByRole("button", { name: "Link", exact: true }).click();
    const linked = page.getByRole("list", { name: "Linked issues" });
    await expect(linked).toContainText(`duplicates${original.key}`);
    const details = page.getByRole("complementary", { name: "Issue details" });
    await expect(details).toContainText("Won't fix");
    await expect(details).toContainText("Duplicate");

    await page.goto(`/projects/${projectKey}/issues/${original.key}`);
    await expect(page.getByRole("list", { name: "Linked issues" })).toContainText(`is duplicated by${copy.key}`);
  });

  await test.step("the Activity tab tells the story in words, comments included", async () => {
    await page.goto(`/projects/${projectKey}/issues/${copy.key}`);
    const comment = "Closing: the same report as the other one.";
    await page.getByRole("textbox", { name: /comment/i }).fill(comment);
    await page.getByRole("button", { name: "Comment", exact: true }).click();
    await expect(page.getByText(comment)).toBeVisible();
    await page.getByRole("tab", { name: "Activity" }).click();
    const activity = page.getByRole("list", { name: "Activity" });
    const entries = activity.getByRole("listitem");
    await expect(entries.nth(0)).toContainText("Hana Maintainer commented");
    await expect(entries.nth(0)).toContainText(comment);
    await expect(entries.nth(1)).toContainText("Hana Maintainer moved it from Open to Won't fix as a duplicate");
    await expect(entries.nth(2)).toContainText(`Hana Maintainer marked it as a duplicate of ${original.key}`);
    await expect(entries.last()).toContainText("Remy Reporter reported the issue");
    await page.screenshot({ path: "test-results/issue-history/activity-desktop.png", fullPage: true });
  });

  await test.step("a phone shows the history without scrolling sideways", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/projects/${projectKey}/issues/${copy.key}`);
    await page.getByRole("tab", { name: "History" }).click();
    await expect(page.getByRole("list", { name: "Versions" }).getByRole("listitem").first()).toContainText(
      "moved it from Open to Won't fix as a duplicate",
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "test-results/issue-history/history-phone.png", fullPage: true });
  });
});
