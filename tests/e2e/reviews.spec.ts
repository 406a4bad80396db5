/**
 * Reviews with an approval gate: the project admin turns on "Approval needs review", asks two members to
 * review a requirement, is refused approval until both approved, approves it once they have, and after an
 * edit sees their approvals marked outdated and approval refused again.
 */
import { expect, type Page, test } from "@playwright/test";

import { addMember, trpc, userContext } from "./support/users";

const stamp = Date.now();
/** Project keys are letters only, so the run's timestamp is spelled with A–J. */
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");

const password = "Reviewed-Basalt-47";
const ada = { name: "Ada Admin", email: `ada.reviews.${stamp}@example.test` };
const bob = { name: "Bob Reviewer", email: `bob.reviews.${stamp}@example.test` };
const cleo = { name: "Cleo Reviewer", email: `cleo.reviews.${stamp}@example.test` };
const projectKey = `V${letters(stamp).slice(-7)}`;

/** Opens the requirement, answers the open review with an approval and waits for it to show. */
async function approveAsReviewer(page: Page, path: string, name: string) {
  await page.goto(path);
  const review = page.getByTestId("review-open");
  await review.getByLabel(/Your review of version 2/).fill(`${name} checked the wording.`);
  await review.getByRole("button", { name: "Approve version 2", exact: true }).click();
  await expect(review.getByTestId("reviewer").filter({ hasText: name }).getByText("Approved")).toBeVisible();
}

/** Tries the "Approve" status change and returns the refusal shown in its dialog. */
async function tryApprove(page: Page) {
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: /^Approve:/ });
  await dialog.getByRole("button", { name: "Approve", exact: true }).click();
  const alert = dialog.getByRole("alert");
  await expect(alert).toBeVisible();
  const text = (await alert.textContent()) ?? "";
  await dialog.getByRole("button", { name: "Cancel" }).click();
  return text;
}

test("reviews: approval needs every reviewer's approval of the current version", async ({ browser }) => {
  const admin = await userContext(browser, ada, password);
  const reviewerB = await userContext(browser, bob, password);
  const reviewerC = await userContext(browser, cleo, password);
  const page = admin.page;

  await trpc(admin.context.request, "project.create", { key: projectKey, name: `Reviews ${stamp}` });
  await addMember(admin.context.request, reviewerB.context.request, { projectKey, email: bob.email, role: "REPORTER" });
  await addMember(admin.context.request, reviewerC.context.request, {
    projectKey,
    email: cleo.email,
    role: "MAINTAINER",
  });
  const created = await trpc<{ key: string; version: number }>(admin.context.request, "requirement.create", {
    projectKey,
    title: "Refund within 5 days",
    statement: "The system shall refund a cancelled order within 5 days.",
  });
  await trpc(admin.context.request, "requirement.transition", {
    key: created.key,
    expectedVersion: created.version,
    to: "IN_REVIEW",
  });
  const path = `/projects/${projectKey}/requirements/${created.key}`;

  await test.step("the admin turns on “Approval needs review”", async () => {
    await page.goto(`/projects/${projectKey}/settings`);
    const toggle = page.getByRole("switch", { name: "Approval needs review" });
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    await toggle.click();
    await expect(page.getByRole("status").filter({ hasText: "needs every requested reviewer" })).toBeVisible();
    await expect(toggle).toHaveAttribute("aria-checked", "true");
  });

  await test.step("asks Bob and Cleo to review version 2", async () => {
    await page.goto(path);
    const reviews = page.getByRole("region", { name: /Reviews/ });
    await expect(reviews.getByText("No reviews yet.")).toBeVisible();
    await reviews.getByRole("button", { name: "Request review" }).click();
    const dialog = page.getByRole("dialog", { name: `Request review of ${created.key}` });
    await dialog.getByRole("checkbox", { name: new RegExp(bob.name) }).check();
    await dialog.getByRole("checkbox", { name: new RegExp(cleo.name) }).check();
    await dialog.getByLabel(/Note to the reviewers/).fill("Is 5 days what finance agreed?");
    await dialog.getByRole("button", { name: "Request review" }).click();
    await expect(dialog).toBeHidden();
    const open = page.getByTestId("review-open");
    await expect(open.getByText("Version 2", { exact: true })).toBeVisible();
    await expect(open.getByTestId("reviewer")).toHaveCount(2);
    await expect(open.getByText("Not answered")).toHaveCount(2);
  });

  await test.step("approval is refused while nobody has approved", async () => {
    expect(await tryApprove(page)).toMatch(/not approved by Bob Reviewer, Cleo Reviewer/);
  });

  await test.step("Bob approves; approval is still refused, naming Cleo", async () => {
    await approveAsReviewer(reviewerB.page, path, bob.name);
    await page.reload();
    const refusal = await tryApprove(page);
    expect(refusal).toContain("Cleo Reviewer");
    expect(refusal).not.toContain("Bob Reviewer");
  });

  await test.step("once Cleo approves too, the requirement is approved", async () => {
    await approveAsReviewer(reviewerC.page, path, cleo.name);
    await page.reload();
    await expect(page.getByTestId("review-open").getByText("Approved by all")).toBeVisible();
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: /^Approve:/ });
    await dialog.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Status changed to Approved" })).toBeVisible();
  });

  await test.step("an edit makes the approvals outdated and approval is refused again", async () => {
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const form = page.getByRole("form", { name: `Edit ${created.key}` });
    await form.getByLabel("Statement").fill("The system shall refund a cancelled order within 3 days.");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved as version 4" })).toBeVisible();
    const open = page.getByTestId("review-open");
    await expect(open.getByText("Outdated", { exact: true })).toBeVisible();
    await expect(open.getByText(/no longer count/)).toBeVisible();
    // The answers stay in the record.
    await expect(open.getByText("Bob Reviewer checked the wording.")).toBeVisible();
    // Edited content is back in review, and approving it needs a new review.
    await expect(page.getByRole("button", { name: "Approve", exact: true })).toBeVisible();
    expect(await tryApprove(page)).toMatch(/changed since version 2 was reviewed/);
    await open.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "test-results/reviews/outdated-desktop.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "test-results/reviews/outdated-phone.png", fullPage: true });
  });

  await Promise.all([admin.context.close(), reviewerB.context.close(), reviewerC.context.close()]);
});
