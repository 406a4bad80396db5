/**
 * Joining by invitation in Chromium: a project admin invites an address
 * that has no account; the invitee follows the emailed link (read from the
 * mail folder), creates an account there and lands in the project with the
 * invited role.
 */
import { expect, test } from "@playwright/test";

import { waitForMail } from "./support/mail";
import { trpc, userContext } from "./support/users";

const stamp = Date.now();
const uniq = () => `${stamp.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const password = "Meadow-Signal-Copper-42";

/** Waits for the invitation email to `address` and returns the link's path. */
async function invitationLink(address: string): Promise<string> {
  const mail = await waitForMail(address, /\/invitations\/[A-Za-z0-9_-]{43}/);
  return mail.match(/\/invitations\/[A-Za-z0-9_-]{43}/)?.[0] as string;
}

test("someone invited by email signs up through the link and lands in the project with the invited role", async ({
  browser,
}) => {
  const owner = await userContext(browser, { name: "Iris Inviter", email: `iris.${uniq()}@example.test` }, password);
  const projectKey = `V${letters(stamp).slice(-7)}`;
  const projectName = `Avionics ${stamp}`;
  const invitee = { name: "Noor Newcomer", email: `noor.${uniq()}@example.test` };
  const guest = await browser.newContext();
  try {
    await trpc(owner.context.request, "project.create", { key: projectKey, name: projectName });
    await owner.page.goto(`/projects/${projectKey}/settings`);
    const form = owner.page.getByRole("form", { name: "Invite people" });
    await form.getByLabel("Email address").fill(invitee.email);
    await form.getByLabel("Role").selectOption("MAINTAINER");
    await form.getByRole("button", { name: "Send invitation" }).click();
    await expect(
      owner.page.getByRole("status").filter({ hasText: `Invitation sent to ${invitee.email}` }),
    ).toBeVisible();

    const page = await guest.newPage();
    await page.goto(await invitationLink(invitee.email));
    await expect(page.getByText(`Iris Inviter invited you to ${projectName}`)).toBeVisible();
    await page.screenshot({ path: "test-results/invitation-link.png" });
    await page.getByRole("link", { name: "Create an account" }).click();
    await expect(page.getByLabel("Work email")).toHaveValue(invitee.email);
    await page.getByLabel("Full name").fill(invitee.name);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page).toHaveURL(new RegExp(`/projects/${projectKey}`));
    await expect(page.getByRole("heading", { name: projectName, level: 1 })).toBeVisible();
    const res = await guest.request.get(
      `/api/trpc/project.byKey?input=${encodeURIComponent(JSON.stringify({ json: { projectKey } }))}`,
    );
    const project = (await res.json()).result.data.json as { myRole: string };
    expect(project.myRole).toBe("MAINTAINER");

    // The owner sees them as a member now, and the invitation as accepted.
    await owner.page.reload();
    await expect(owner.page.getByLabel(`Role for ${invitee.name}`)).toHaveValue("MAINTAINER");
  } finally {
    await guest.close();
    await owner.context.close();
  }
});
