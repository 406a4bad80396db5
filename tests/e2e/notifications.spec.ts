/**
 * Notifications in the browser: a member mentions another in an issue
 * comment, and the mentioned member's bell — in their own browser session —
 * counts it without a reload (the server's in-process dispatcher delivers
 * the event). They read it and the count goes away.
 */
import { expect, test } from "@playwright/test";

import { addMember, trpc, userContext } from "./support/users";

const stamp = Date.now();
const uniq = () => `${stamp.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const password = "Bell-Harbor-Linen-58";

const projectKey = `N${letters(stamp).slice(-7)}`;
const author = { name: "Ada Author", email: `ada.${uniq()}@example.test` };
const mentioned = { name: "Ben Mentioned", email: `ben.${uniq()}@example.test` };

test("a mention makes the bell count go up for the mentioned user", async ({ browser }) => {
  const a = await userContext(browser, author, password);
  const b = await userContext(browser, mentioned, password);
  const issue = await test.step("the author sets up a project with the other member and an issue", async () => {
    await trpc(a.context.request, "project.create", { key: projectKey, name: `Bells ${stamp}` });
    await addMember(a.context.request, b.context.request, { projectKey, email: mentioned.email, role: "MAINTAINER" });
    return trpc<{ key: string }>(a.context.request, "issue.create", { projectKey, title: "Totals are off by a cent" });
  });

  const bell = b.page.getByTestId("notification-bell");
  await test.step("the mentioned member has nothing unread yet", async () => {
    await b.page.goto("/projects");
    await expect(bell).toHaveAccessibleName("Notifications");
    await expect(b.page.getByTestId("notification-count")).toHaveCount(0);
  });

  await test.step("the author mentions them in a comment", async () => {
    await a.page.goto(`/projects/${projectKey}/issues/${issue.key}`);
    const box = a.page.getByPlaceholder("Leave a comment. Type @ to mention a project member.");
    await box.fill(`@${mentioned.email} can you check the rounding?`);
    await box.press("Escape");
    await a.page.getByRole("button", { name: "Comment", exact: true }).click();
    await expect(a.page.getByText("can you check the rounding?")).toBeVisible();
  });

  await test.step("their bell counts it without a reload", async () => {
    await expect(b.page.getByTestId("notification-count")).toHaveText("1", { timeout: 20_000 });
    await expect(bell).toHaveAccessibleName("Notifications, 1 unread");
  });

  await test.step("they read it and the count goes away", async () => {
    await bell.click();
    await expect(b.page).toHaveURL(/\/notifications$/);
    const list = b.page.getByRole("list", { name: "Notifications" });
    await expect(
      list.getByRole("link", { name: `Ada Author mentioned you on ${issue.key} Totals are off by a cent` }),
    ).toBeVisible();
    await b.page.getByRole("button", { name: "Mark all read" }).click();
    await expect(b.page.getByTestId("notification-count")).toHaveCount(0);
  });

  await a.context.close();
  await b.context.close();
});
