/**
 * The import journey: a project admin uploads a CSV of 1,200 requirements (three batches of 500) with one bad
 * priority, watches the progress reach the total, reads the counts and the refused row by its line, finds an
 * imported requirement in the list and in the ReqIF export, and undoes the import. A reporter of the project
 * gets no Import tab and no import page.
 */
import { readFile } from "node:fs/promises";

import { expect, test } from "@playwright/test";

import { addMember, trpc, userContext } from "./support/users";

const stamp = Date.now();
const uniq = () => `${stamp.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
/** Project keys are letters only, so the run's timestamp is spelled with A–J. */
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const password = "Ledger-Import-Quartz-74";

const projectKey = `M${letters(stamp).slice(-7)}`;
const admin = { name: "Ines Importer", email: `ines.${uniq()}@example.test` };
const reporter = { name: "Remy Reader", email: `remy.${uniq()}@example.test` };

const ROWS = 1_200;
/** The data row with a priority Specline does not have; the header is line 1, so it is on line BAD + 1. */
const BAD = 777;
const filename = `requirements-${stamp}.csv`;
const title = (n: number) => `Imported requirement ${String(n).padStart(4, "0")} ${stamp}`;

function requirementsCsv(): Buffer {
  const lines = ["Title,Statement,Priority"];
  for (let n = 1; n <= ROWS; n++) {
    lines.push(`${title(n)},"The system shall handle case ${n}, as agreed.",${n === BAD ? "Urgent" : "SHOULD"}`);
  }
  return Buffer.from(`${lines.join("\r\n")}\r\n`);
}

test("import a CSV with progress, a refused row, export and undo; reporters get no import", async ({ browser }) => {
  test.setTimeout(180_000);
  const own = await userContext(browser, admin, password);
  const rep = await userContext(browser, reporter, password);
  const { page } = own;

  await test.step("the admin sets up the project and a reporter", async () => {
    await trpc(own.context.request, "project.create", { key: projectKey, name: `Import ${stamp}` });
    await addMember(own.context.request, rep.context.request, { projectKey, email: reporter.email, role: "REPORTER" });
  });

  await test.step("the admin opens the import page from the project tabs", async () => {
    await page.goto(`/projects/${projectKey}`);
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Import" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${projectKey}/import$`));
    await expect(page.getByRole("heading", { name: "Import and export" })).toBeVisible();
    await expect(page.getByText("No imports yet")).toBeVisible();
  });

  await test.step("a submit without a file is refused inline", async () => {
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Choose a file to import." })).toBeVisible();
  });

  const card = page.getByTestId("import-job");

  await test.step("uploads 1,200 rows and watches the progress reach the total", async () => {
    await page.getByLabel("File", { exact: true }).setInputFiles({
      name: filename,
      mimeType: "text/csv",
      buffer: requirementsCsv(),
    });
    await expect(page.getByText(filename)).toBeVisible();
    await page.getByRole("radio", { name: "Requirements" }).check();
    await page.getByRole("button", { name: "Import", exact: true }).click();

    await expect(card.getByRole("heading", { name: filename })).toBeVisible();
    await expect(page).toHaveURL(/[?&]job=/);
    const progress = card.getByTestId("import-progress");
    await expect(progress).toHaveAttribute("aria-valuemax", String(ROWS), { timeout: 60_000 });
    await expect(progress).toHaveAttribute("aria-valuenow", String(ROWS), { timeout: 90_000 });
    await expect(card.locator("[data-status]").first()).toHaveText("Succeeded", { timeout: 30_000 });
  });

  await test.step("the counts and the refused row by its line", async () => {
    await expect(card.getByTestId("import-count-created")).toContainText("1,199");
    await expect(card.getByTestId("import-count-updated")).toContainText("0");
    await expect(card.getByTestId("import-count-failed")).toContainText("1");
    const errors = card.getByTestId("import-errors");
    await expect(errors.getByRole("columnheader", { name: "Row" })).toBeVisible();
    await expect(errors.getByRole("columnheader", { name: "Problem" })).toBeVisible();
    const refused = errors.getByRole("row").filter({ hasText: "Urgent" });
    await expect(refused).toHaveCount(1);
    await expect(refused.getByRole("cell").first()).toHaveText(String(BAD + 1));
    await expect(refused).toContainText('Priority "Urgent" is not one of MUST, SHOULD, COULD, WONT');
    // The list below shows the same import.
    const recent = page.getByRole("region", { name: "Recent imports" });
    await expect(recent.getByRole("button", { name: new RegExp(filename) })).toContainText("1,199 created");
  });

  await test.step("the requirements list shows an imported title", async () => {
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Requirements" }).click();
    await expect(page.getByRole("link", { name: title(1) })).toBeVisible();
  });

  await test.step("the ReqIF export is a download holding the imported requirements", async () => {
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Import" }).click();
    const exports = page.getByRole("region", { name: "Export" });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      exports.getByRole("link", { name: /ReqIF 1\.2/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.reqif$/);
    const text = await readFile(await download.path(), "utf8");
    expect(text).toContain("<REQ-IF");
    expect(text).toContain("http://www.omg.org/spec/ReqIF/20110401/reqif.xsd");
    expect(text).toContain(title(1));
    expect(text).toContain(title(ROWS));
    expect(text).not.toContain(title(BAD));
  });

  await test.step("undoes the import after confirming", async () => {
    await page
      .getByRole("region", { name: "Recent imports" })
      .getByRole("button", { name: new RegExp(filename) })
      .click();
    await card.getByRole("button", { name: "Undo import" }).click();
    const dialog = page.getByRole("dialog", { name: "Undo this import?" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Undo import" }).click();
    await expect(dialog).toBeHidden();
    await expect(card.locator("[data-status]").first()).toHaveText("Undone");
    await expect(
      card.getByRole("status").filter({ hasText: "Import undone: 1,199 requirements deleted" }),
    ).toBeVisible();
    await expect(card.getByRole("button", { name: "Undo import" })).toHaveCount(0);

    await page.goto(`/projects/${projectKey}/requirements`);
    await expect(page.getByText("No requirements yet")).toBeVisible();
  });

  await test.step("a reporter sees no Import tab and cannot open the page", async () => {
    const other = rep.page;
    await other.goto(`/projects/${projectKey}`);
    const tabs = other.getByRole("navigation", { name: "Project" });
    await expect(tabs.getByRole("link", { name: "Requirements" })).toBeVisible();
    await expect(tabs.getByRole("link", { name: "Import" })).toHaveCount(0);
    await other.goto(`/projects/${projectKey}/import`);
    await expect(other.getByRole("heading", { name: "Maintainers and admins only" })).toBeVisible();
    await expect(other.getByRole("button", { name: "Import", exact: true })).toHaveCount(0);
  });

  await own.context.close();
  await rep.context.close();
});
