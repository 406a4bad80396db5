/**
 * A project open for reporting, from both sides: its admin switches open reporting on in the settings, and
 * someone who is not a member finds it among their projects (marked open), reports an issue there, and
 * finds the project's requirements and their own issue with the search palette — but not the issues of
 * others, which a reporter never sees.
 */
import { expect, test } from "@playwright/test";

import { trpc, userContext } from "./support/users";

const stamp = Date.now();
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const projectKey = `O${letters(stamp).slice(-7)}`;
const password = "Open-Harbour-Lantern-58";
const admin = { name: "Olga Owner", email: `olga.${stamp}@example.test` };
const outsider = { name: "Pavel Passer", email: `pavel.${stamp}@example.test` };

test("a project open for reporting: listed, reported in and searched by someone who is not a member", async ({
  browser,
}) => {
  const own = await userContext(browser, admin, password);
  const out = await userContext(browser, outsider, password);
  await trpc(own.context.request, "project.create", { key: projectKey, name: `Kiosk ${stamp}` });
  await trpc(own.context.request, "requirement.create", {
    projectKey,
    title: "Receipts print within two seconds",
    statement: "The kiosk prints a receipt within two seconds of payment.",
  });
  await trpc(own.context.request, "issue.create", { projectKey, title: "Receipts jam on cold mornings" });

  await test.step("before: the project is not among the outsider's projects", async () => {
    await out.page.goto("/projects");
    await expect(out.page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();
    await expect(out.page.getByRole("link", { name: new RegExp(projectKey) })).toHaveCount(0);
  });

  await test.step("the admin switches open reporting on", async () => {
    await own.page.goto(`/projects/${projectKey}/settings`);
    const toggle = own.page.getByRole("switch", { name: "Open reporting" });
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-checked", "true");
    await expect(toggle).not.toHaveAttribute("aria-busy", "true");
  });

  await test.step("the outsider finds it among their projects, marked open, and reports an issue", async () => {
    await out.page.goto("/projects");
    const card = out.page.getByRole("link", { name: new RegExp(projectKey) });
    await expect(card).toBeVisible();
    await expect(card.getByText("Open for reporting")).toBeAttached();
    await expect(card).toContainText("Reporter");
    await trpc(out.context.request, "issue.create", { projectKey, title: "Receipts print the wrong date" });
  });

  await test.step("the search palette finds the requirements and their own issue, not others' issues", async () => {
    const { page } = out;
    await page.goto(`/projects/${projectKey}/issues`);
    await expect(page.getByRole("heading", { name: "Issues", level: 1 })).toBeVisible();
    await page.keyboard.press("Control+K");
    const dialog = page.getByRole("dialog", { name: "Search" });
    await dialog.getByRole("combobox", { name: "Search requirements and issues" }).fill("receipts");
    const options = dialog.getByRole("option");
    await expect(options.filter({ hasText: "Receipts print within two seconds" })).toBeVisible();
    await expect(options.filter({ hasText: "Receipts print the wrong date" })).toBeVisible();
    await expect(options).toHaveCount(2);
    await expect(dialog.getByText("Receipts jam on cold mornings")).toHaveCount(0);
  });

  await Promise.all([own.context.close(), out.context.close()]);
});
