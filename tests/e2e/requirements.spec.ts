/**
 * The requirements journey: a new user creates a project and a requirement,
 * edits it twice and reads the word-level diff between v1 and v3, freezes a
 * baseline, edits again and compares the baseline with the current state.
 * Then the same user edits the requirement in two browsers at once: the
 * second save gets the conflict view with the other change, and re-applies
 * on top of it.
 */
import { expect, type Page, test } from "@playwright/test";

const stamp = Date.now();
/** Project keys are letters only, so the run's timestamp is spelled with A–J. */
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");

const user = { name: "Rhea Requirements", email: `rhea.${stamp}@example.test`, password: "Versioned-Granite-31" };
const project = { key: `R${letters(stamp).slice(-7)}`, name: `Export Service ${stamp}` };
const baselineName = `SRS ${stamp}`;

const v1 = "The system shall export a report within 10 seconds.";
const v2 = "The system shall export a report within 5 seconds.";
const v3 = "The system shall export a signed report within 5 seconds.";
const v4 = "The system shall export a signed PDF report within 5 seconds.";

async function signUp(page: Page) {
  await page.goto("/sign-up");
  await page.getByLabel("Full name").fill(user.name);
  await page.getByLabel("Work email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/projects$/);
}

async function signIn(page: Page) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/projects$/);
}

/** Opens the edit form, replaces the statement and saves; waits for the new version. */
async function editStatement(page: Page, key: string, statement: string, version: number) {
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  const form = page.getByRole("form", { name: `Edit ${key}` });
  await form.getByLabel("Statement").fill(statement);
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Saved as version ${version}` })).toBeVisible();
  await expect(form).toBeHidden();
}

test("requirements: versions, diffs, baselines and a resolved edit conflict", async ({ page, browser }) => {
  let reqKey = "";
  let reqPath = "";

  await test.step("a new user creates a project", async () => {
    await signUp(page);
    await page.getByRole("button", { name: "New project" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a project" });
    await dialog.getByLabel("Name").fill(project.name);
    await dialog.getByLabel("Key").fill(project.key);
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.key}$`));
  });

  await test.step("creates a requirement from the list, with inline validation", async () => {
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Requirements" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.key}/requirements$`));
    await expect(page.getByText("No requirements yet")).toBeVisible();
    // "c" opens the dialog from anywhere on the list.
    await page.locator("body").press("c");
    const dialog = page.getByRole("dialog", { name: "New requirement" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Create requirement" }).click();
    await expect(dialog.getByText("Title is required")).toBeVisible();
    await dialog.getByLabel("Title").fill("Export report");
    await dialog.getByLabel("Statement").fill(v1);
    await dialog.getByRole("tab", { name: "Preview" }).first().click();
    await expect(dialog.getByRole("tabpanel").filter({ hasText: v1 }).first()).toBeVisible();
    await dialog.getByLabel("Priority").selectOption("MUST");
    await dialog.getByLabel(/^Tags/).fill("export");
    await dialog.getByLabel(/^Tags/).press("Enter");
    await expect(dialog.getByRole("button", { name: "Remove tag export" })).toBeVisible();
    await dialog.getByRole("button", { name: "Create requirement" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.key}/requirements/${project.key}-\\d+$`));
    reqPath = new URL(page.url()).pathname;
    reqKey = reqPath.split("/").at(-1)!;
    await expect(page.getByRole("heading", { name: "Export report" })).toBeVisible();
    await expect(page.locator(".specline-prose").getByText(v1)).toBeVisible();
  });

  await test.step("the list shows it and opens it from the keyboard", async () => {
    await page.goto(`/projects/${project.key}/requirements`);
    await expect(page.getByRole("link", { name: "Export report" })).toBeVisible();
    // A filter menu: opens with its first option focused, arrows move, Escape closes and returns focus.
    const statusFilter = page.getByRole("button", { name: "Status", exact: true });
    await statusFilter.click();
    const options = page.getByRole("group", { name: "Status filter" }).getByRole("checkbox");
    await expect(options.first()).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(options.nth(1)).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("group", { name: "Status filter" })).toBeHidden();
    await expect(statusFilter).toBeFocused();
    await statusFilter.blur();
    await page.locator("body").press("j");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`${reqPath}$`));
  });

  await test.step("edits it twice", async () => {
    await editStatement(page, reqKey, v2, 2);
    await editStatement(page, reqKey, v3, 3);
    await expect(page.locator(".specline-prose").getByText(v3)).toBeVisible();
  });

  await test.step("the diff between v1 and v3 highlights the changed words", async () => {
    await page.getByLabel("From", { exact: true }).selectOption("1");
    await page.getByLabel("To", { exact: true }).selectOption("3");
    const diff = page.getByTestId("version-diff");
    await expect(diff).toContainText("v1");
    const statement = diff.locator('[data-field="statement"]');
    await expect(statement.locator("ins").filter({ hasText: "signed" })).toBeVisible();
    await expect(statement.locator("ins").filter({ hasText: "5" })).toBeVisible();
    await expect(statement.locator("del").filter({ hasText: "10" })).toBeVisible();
    await expect(statement.locator('[data-diff="split"]')).toBeVisible();

    await page.getByRole("button", { name: "Inline" }).click();
    await expect(statement.locator('[data-diff="inline"]')).toBeVisible();
    await expect(statement.locator("ins").filter({ hasText: "signed" })).toBeVisible();
    await expect(statement.locator("del").filter({ hasText: "10" })).toBeVisible();
    // The comparison is in the URL, so a reload shows the same diff.
    await expect(page).toHaveURL(/from=1&to=3&diff=inline|diff=inline.*from=1|from=1.*diff=inline/);
    await page.reload();
    await expect(page.getByLabel("From", { exact: true })).toHaveValue("1");
    await expect(page.getByTestId("version-diff").locator('[data-diff="inline"]').first()).toBeVisible();
  });

  await test.step("creates a baseline", async () => {
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Baselines" }).click();
    await page.getByRole("button", { name: "Create baseline" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a baseline" });
    await dialog.getByLabel("Name").fill(baselineName);
    await dialog.getByLabel("Note").fill("Agreed at the design review.");
    await dialog.getByRole("button", { name: "Create baseline" }).click();
    await expect(
      page.getByRole("status").filter({ hasText: `Baseline “${baselineName}” created with 1 requirement` }),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: baselineName })).toBeVisible();
  });

  await test.step("edits again after the baseline", async () => {
    await page.goto(reqPath);
    await editStatement(page, reqKey, v4, 4);
  });

  await test.step("the baseline compared with the current state shows the change", async () => {
    await page.goto(`/projects/${project.key}/baselines`);
    const compare = page.getByRole("region", { name: "Compare", exact: true });
    await expect(compare.getByLabel("From", { exact: true })).toHaveValue(/.+/);
    await expect(compare.getByLabel("From", { exact: true }).locator("option:checked")).toHaveText(baselineName);
    await expect(compare.getByLabel("To", { exact: true })).toHaveValue("HEAD");
    await expect(compare.getByTestId("compare-summary")).toHaveText(
      /0\s*added\s*·?\s*0\s*removed\s*·?\s*1\s*changed\s*·?\s*0\s*unchanged/,
    );
    const changed = compare.locator(`[data-key="${reqKey}"]`);
    await expect(changed).toContainText("v3 → v4");
    await expect(changed.locator('[data-field="statement"] ins').filter({ hasText: "PDF" }).first()).toBeVisible();
  });

  await test.step("a conflicting edit from another browser is shown and re-applied on top", async () => {
    const other = await browser.newContext();
    try {
      const second = await other.newPage();
      await signIn(second);

      // Both open the edit form at version 4.
      await page.goto(reqPath);
      await page.getByRole("button", { name: "Edit", exact: true }).click();
      const mine = page.getByRole("form", { name: `Edit ${reqKey}` });
      await expect(mine.getByText("Editing version 4")).toBeVisible();

      await second.goto(reqPath);
      await second.getByRole("button", { name: "Edit", exact: true }).click();
      const theirs = second.getByRole("form", { name: `Edit ${reqKey}` });
      await expect(theirs.getByText("Editing version 4")).toBeVisible();

      // The second browser saves first.
      await theirs.getByLabel("Title").fill("Export audit report");
      await theirs.getByRole("button", { name: "Save changes" }).click();
      await expect(second.getByRole("status").filter({ hasText: "Saved as version 5" })).toBeVisible();

      // The first one saves its own, different change and gets the conflict view.
      await mine.getByLabel("Statement").fill(`${v4} Exports can be started on demand.`);
      await mine.getByRole("button", { name: "Save changes" }).click();
      const conflict = page.getByTestId("conflict-panel");
      await expect(conflict.getByRole("heading", { name: "Someone else saved version 5" })).toBeVisible();
      await expect(
        conflict
          .getByTestId("conflict-theirs")
          .locator('[data-field="title"] ins')
          .filter({ hasText: "audit" })
          .first(),
      ).toBeVisible();
      await expect(
        conflict
          .getByTestId("conflict-mine")
          .locator('[data-field="statement"] ins')
          .filter({ hasText: "on demand" })
          .first(),
      ).toBeVisible();
      // The draft is still in the form.
      await expect(mine.getByLabel("Statement")).toHaveValue(`${v4} Exports can be started on demand.`);

      await conflict.getByRole("button", { name: "Re-apply my changes on top of version 5" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Saved as version 6" })).toBeVisible();
      await expect(page.getByRole("heading", { name: "Export audit report" })).toBeVisible();
      await expect(page.locator(".specline-prose").getByText("Exports can be started on demand.")).toBeVisible();

      // Both changes are in the history, newest first.
      const history = page.getByRole("list", { name: "Versions, newest first" });
      await expect(history.locator("li").first()).toContainText("v6");
      await expect(history.locator("li").nth(1)).toContainText("v5");
    } finally {
      await other.close();
    }
  });
});
