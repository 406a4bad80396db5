/**
 * The issue list driven by keys, as Linear's is: j/k move, Enter opens, c
 * files, / searches, x selects, and s, a, l change the current issue's
 * status, assignee and labels; ? shows every shortcut. Each control says
 * its key (aria-keyshortcuts).
 */
import { expect, test } from "@playwright/test";

import { addMember, trpc, userContext } from "./support/users";

const stamp = Date.now();
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const projectKey = `K${letters(stamp).slice(-7)}`;
const password = "Keys-Marble-Orchard-27";
const lead = { name: "Kira Lead", email: `kira.${stamp}@example.test` };
const helper = { name: "Hugo Helper", email: `hugo.${stamp}@example.test` };

test("the issue list from the keyboard", async ({ browser }) => {
  const { context, page } = await userContext(browser, lead, password);
  const other = await userContext(browser, helper, password);
  await trpc(context.request, "project.create", { key: projectKey, name: `Keys ${stamp}` });
  await addMember(context.request, other.context.request, { projectKey, email: helper.email, role: "MAINTAINER" });
  const titles = ["Third filed", "Second filed", "First filed"];
  for (const title of [...titles].reverse()) {
    await trpc(context.request, "issue.create", { projectKey, title });
  }

  await page.goto(`/projects/${projectKey}/issues`);
  const rows = page.getByRole("list", { name: "Issues" }).getByRole("listitem");
  await expect(rows).toHaveCount(3);
  await expect(page.getByRole("button", { name: "New issue" })).toHaveAttribute("aria-keyshortcuts", "c");
  await expect(page.getByLabel("Search issues")).toHaveAttribute("aria-keyshortcuts", "/");

  await test.step("j and k move the current row, Enter opens it", async () => {
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("j");
    await expect(rows.nth(0)).toHaveAttribute("aria-current", "true");
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await expect(rows.nth(1)).toHaveAttribute("aria-current", "true");
    await expect(rows.nth(0)).not.toHaveAttribute("aria-current", "true");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: titles[1] })).toBeVisible();
    await page.goBack();
    await expect(rows).toHaveCount(3);
  });

  await test.step("s changes the current issue's status", async () => {
    await page.keyboard.press("j");
    await page.keyboard.press("s");
    const dialog = page.getByRole("dialog", { name: /Move .* to…/ });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Triaged" }).click();
    await expect(dialog).toBeHidden();
    await expect(rows.nth(0)).toContainText("Triaged");
  });

  await test.step("a assigns it, l edits its labels", async () => {
    await page.keyboard.press("a");
    const assign = page.getByRole("dialog", { name: /Assign .* to…/ });
    await assign.getByLabel("Find a member").fill("Hugo");
    await assign.getByRole("button", { name: helper.name }).click();
    await expect(assign).toBeHidden();
    await expect(rows.nth(0).getByText(`Assigned to ${helper.name}`)).toBeAttached();

    await page.keyboard.press("l");
    const labels = page.getByRole("dialog", { name: /Labels of/ });
    await labels.getByLabel("Labels, separated by commas").fill("export, urgent");
    await labels.getByRole("button", { name: "Save labels" }).click();
    await expect(labels).toBeHidden();
    await expect(rows.nth(0)).toContainText("urgent");
  });

  await test.step("x selects the current issue for a bulk change", async () => {
    await page.keyboard.press("x");
    await expect(page.getByText("1 selected").first()).toBeVisible();
    await expect(rows.nth(0).getByRole("checkbox")).toBeChecked();
    await page.keyboard.press("x");
    await expect(page.getByText("1 selected")).toHaveCount(0);
  });

  await test.step("/ focuses the search, c opens a new issue, ? shows every shortcut", async () => {
    await page.keyboard.press("/");
    await expect(page.getByLabel("Search issues")).toBeFocused();
    await page.keyboard.press("Escape");
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("c");
    const create = page.getByRole("dialog", { name: "New issue" });
    await expect(create).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(create).toBeHidden();
    await page.keyboard.press("?");
    const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(sheet).toBeVisible();
    await expect(sheet.getByText("Change the current issue's status")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(sheet).toBeHidden();
  });

  await context.close();
  await other.context.close();
});
