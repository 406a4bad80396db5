/**
 * The issue journey: a reporter files an issue with an attachment, a
 * maintainer triages it, links it to a requirement, sees the link turn
 * suspect when the requirement changes and clears it with a reason; another
 * reporter cannot see the issue at all.
 */
import { type APIRequestContext, type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";

import { addMember } from "./support/users";

const stamp = Date.now();
const uniq = () => `${stamp.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
/** Project keys are letters only, so the run's timestamp is spelled with A–J. */
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const password = "Suspect-Harbor-Linen-58";

const projectKey = `I${letters(stamp).slice(-7)}`;
const owner = { name: "Mara Maintainer", email: `mara.${uniq()}@example.test` };
const reporter = { name: "Rui Reporter", email: `rui.${uniq()}@example.test` };
const outsider = { name: "Olga Otherreporter", email: `olga.${uniq()}@example.test` };
const issueTitle = `Checkout button ignores double clicks ${stamp}`;

async function trpc<T = unknown>(request: APIRequestContext, path: string, json: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, {
    data: JSON.stringify({ json }),
    headers: { "content-type": "application/json" },
  });
  const body = await res.json();
  expect(res.status(), `${path}: ${JSON.stringify(body)}`).toBe(200);
  return body.result.data.json as T;
}

async function trpcQuery<T = unknown>(request: APIRequestContext, path: string, json: unknown): Promise<T> {
  const res = await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json }))}`);
  const body = await res.json();
  expect(res.status(), `${path}: ${JSON.stringify(body)}`).toBe(200);
  return body.result.data.json as T;
}

async function userContext(
  browser: Browser,
  user: { name: string; email: string },
  register = true,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const request = context.request;
  if (register) await trpc(request, "auth.register", { email: user.email, name: user.name, password });
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: user.email, password, json: "true" },
    maxRedirects: 0,
  });
  expect(res.status()).toBeLessThan(400);
  const page = await context.newPage();
  return { context, page };
}

test("file, triage, link, suspect and clear; other reporters cannot see the issue", async ({ browser }) => {
  const own = await userContext(browser, owner);
  const rep = await userContext(browser, reporter);
  const out = await userContext(browser, outsider);
  let issueUrl = "";
  let requirementKey = "";

  await test.step("the owner sets up the project, the reporters and a requirement", async () => {
    await trpc(own.context.request, "project.create", { key: projectKey, name: `Checkout ${stamp}` });
    await addMember(own.context.request, rep.context.request, { projectKey, email: reporter.email, role: "REPORTER" });
    await addMember(own.context.request, out.context.request, { projectKey, email: outsider.email, role: "REPORTER" });
    const req = await trpc<{ key: string }>(own.context.request, "requirement.create", {
      projectKey,
      title: "Payments are submitted once",
      statement: "The checkout shall submit a payment exactly once per order.",
    });
    requirementKey = req.key;
  });

  await test.step("a reporter files an issue with an attachment", async () => {
    const { page } = rep;
    await page.goto(`/projects/${projectKey}/issues`);
    await expect(page.getByRole("heading", { name: "Issues", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "New issue" }).click();
    const dialog = page.getByRole("dialog", { name: "New issue" });
    await dialog.getByRole("button", { name: "Create issue" }).click();
    await expect(dialog.getByText("Title is required")).toBeVisible();
    await dialog.getByLabel("Title").fill(issueTitle);
    await dialog.getByLabel("Description", { exact: true }).fill("Clicking **Pay** twice charges the card twice.");
    await dialog.getByRole("tab", { name: "Preview" }).click();
    await expect(dialog.getByRole("tabpanel").locator("strong", { hasText: "Pay" })).toBeVisible();
    await dialog.getByLabel("Severity").selectOption("HIGH");
    await dialog.getByLabel("Labels").fill("checkout, payments");
    await dialog.getByRole("button", { name: "Create issue" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${projectKey}/issues/${projectKey}-I-\\d+$`));
    issueUrl = new URL(page.url()).pathname;
    await expect(page.getByRole("heading", { name: issueTitle })).toBeVisible();
    await expect(page.locator("strong", { hasText: "Pay" })).toBeVisible();

    const attachments = page.getByRole("region", { name: /Attachments/ });
    await expect(attachments.getByRole("button", { name: "Attach file", exact: true })).toBeVisible();
    await attachments.locator('input[type="file"]').setInputFiles({
      name: `steps-${stamp}.txt`,
      mimeType: "text/plain",
      buffer: Buffer.from("1. Add to cart\n2. Double-click Pay\n"),
    });
    await expect(attachments.getByRole("link", { name: `steps-${stamp}.txt` })).toBeVisible();

    // Reporters have no triage controls.
    await expect(page.getByRole("button", { name: /Mark triaged/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Link requirement" })).toHaveCount(0);
  });

  await test.step("the maintainer triages it in bulk and assigns it", async () => {
    const { page } = own;
    await page.goto(`/projects/${projectKey}/issues`);
    const row = page.getByRole("listitem").filter({ hasText: issueTitle });
    await expect(row).toContainText("Open");
    await row.getByRole("checkbox").check();
    const bulk = page.getByRole("region", { name: "Bulk triage" });
    await bulk.getByLabel("Bulk action").selectOption("status");
    await bulk.getByLabel("New value").selectOption("TRIAGED");
    await bulk.getByRole("button", { name: /Apply to 1/ }).click();
    await expect(bulk.getByRole("status")).toHaveText("1 of 1 updated");
    await expect(row).toContainText("Triaged");

    await page.getByRole("link", { name: issueTitle }).click();
    await expect(page).toHaveURL(new RegExp(`${issueUrl}$`));
    await page.getByLabel("Assignee").selectOption({ label: owner.name });
    await expect(page.getByLabel("Assignee")).toHaveValue(/.+/);
    await page.getByRole("button", { name: /Start progress/ }).click();
    await expect(
      page.getByRole("complementary", { name: "Issue details" }).getByText("In progress").first(),
    ).toBeVisible();
  });

  await test.step("the maintainer links the issue to the requirement as Implements", async () => {
    const { page } = own;
    await page.getByRole("button", { name: "Link requirement" }).click();
    const dialog = page.getByRole("dialog", { name: "Link requirement" });
    await dialog.getByLabel("Link type").selectOption("IMPLEMENTS");
    await dialog.getByRole("combobox", { name: "Requirement" }).fill("Payments are submitted");
    await dialog.getByRole("option", { name: new RegExp(requirementKey) }).click();
    await expect(dialog.getByText(`Selected ${requirementKey}.`)).toBeVisible();
    await dialog.getByRole("button", { name: "Create link" }).click();
    await expect(dialog).toBeHidden();
    const links = page.getByRole("region", { name: /Linked requirements/ });
    await expect(links.getByRole("link", { name: requirementKey })).toBeVisible();
    await expect(links.getByText("Implements")).toBeVisible();
    await expect(links.getByText("Suspect", { exact: true })).toHaveCount(0);
  });

  await test.step("the requirement changes, the link turns suspect with a diff, and the maintainer clears it", async () => {
    const { page } = own;
    const req = await trpcQuery<{ version: number }>(own.context.request, "requirement.byKey", { key: requirementKey });
    await trpc(own.context.request, "requirement.update", {
      key: requirementKey,
      expectedVersion: req.version,
      statement: "The checkout shall submit a payment exactly once per order, even when Pay is clicked repeatedly.",
    });
    await page.reload();
    const links = page.getByRole("region", { name: /Linked requirements/ });
    await expect(links.getByText("Suspect", { exact: true })).toBeVisible();
    await expect(links.getByText(`Changes to ${requirementKey} since v1`)).toBeVisible();
    await expect(links.locator("ins").filter({ hasText: "repeatedly" })).toBeVisible();

    await links.getByRole("button", { name: "Clear suspect" }).click();
    const dialog = page.getByRole("dialog", { name: "Clear suspect link" });
    await dialog.getByRole("button", { name: "Clear suspect" }).click();
    await expect(dialog.getByText("Say why the link still holds")).toBeVisible();
    await dialog
      .getByLabel("Reason")
      .fill("The fix debounces the Pay button, which still satisfies the sharper wording.");
    await dialog.getByRole("button", { name: "Clear suspect" }).click();
    await expect(dialog).toBeHidden();
    await expect(links.getByText("Suspect", { exact: true })).toHaveCount(0);
    await expect(links.getByText(/Reviewed/)).toBeVisible();
  });

  await test.step("the traceability page shows the link", async () => {
    const { page } = own;
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Traceability" }).click();
    await expect(page.getByRole("heading", { name: "Traceability", level: 1 })).toBeVisible();
    const matrix = page.getByRole("table");
    await expect(matrix.getByRole("rowheader", { name: new RegExp(requirementKey) })).toBeVisible();
    await expect(matrix.getByText("IMP", { exact: true })).toBeVisible();
  });

  await test.step("the search palette finds the issue by the start of its words, and opens it", async () => {
    const { page } = own;
    await page.keyboard.press("Control+K");
    const dialog = page.getByRole("dialog", { name: "Search" });
    await dialog.getByRole("combobox", { name: "Search requirements and issues" }).fill("checko doub");
    const hit = dialog.getByRole("option").filter({ hasText: issueTitle });
    await expect(hit).toBeVisible();
    await expect(hit.locator("mark").first()).toBeVisible();
    await hit.click();
    await expect(page).toHaveURL(new RegExp(`${issueUrl}$`));
    await expect(page.getByRole("heading", { name: issueTitle })).toBeVisible();
  });

  await test.step("another reporter cannot see the issue in the list or by URL", async () => {
    const { page } = out;
    await page.goto(`/projects/${projectKey}/issues`);
    await expect(page.getByRole("heading", { name: "Issues", level: 1 })).toBeVisible();
    await expect(page.getByText("No issues yet")).toBeVisible();
    await expect(page.getByText(issueTitle)).toHaveCount(0);
    await page.goto(issueUrl);
    await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
    await expect(page.getByText(issueTitle)).toHaveCount(0);
    // Nor by searching for it.
    await page.goto(`/projects/${projectKey}/issues`);
    await page.keyboard.press("Control+K");
    const dialog = page.getByRole("dialog", { name: "Search" });
    await dialog.getByRole("combobox", { name: "Search requirements and issues" }).fill("checkout double clicks");
    await expect(dialog.getByText(/No (results|matches)/i)).toBeVisible();
    await expect(dialog.getByText(issueTitle)).toHaveCount(0);
  });

  await Promise.all([own.context.close(), rep.context.close(), out.context.close()]);
});
