/**
 * The foundation journey: two people sign up, one creates a project and adds
 * the other, changes their role, and the other then finds the project.
 */
import { expect, type Page, test } from "@playwright/test";

const stamp = Date.now();
/** Project keys are letters only, so the run's timestamp is spelled with A–J. */
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");

const member = { name: "Bea Member", email: `bea.${stamp}@example.test`, password: "Tracing-Velvet-42" };
const owner = { name: "Alex Owner", email: `alex.${stamp}@example.test`, password: "Baseline-Ochre-77" };
const project = { key: `E${letters(stamp).slice(-7)}`, name: `Flight Control ${stamp}` };

async function signUp(page: Page, user: typeof owner) {
  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await page.getByLabel("Full name").fill(user.name);
  await page.getByLabel("Work email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();
}

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut(page: Page, user: { name: string }) {
  await page.getByRole("button", { name: `Account menu for ${user.name}` }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in to Specline" })).toBeVisible();
}

test("sign up, create a project, manage members, and the member sees it", async ({ page }) => {
  await test.step("the future member registers and signs out", async () => {
    await signUp(page, member);
    await signOut(page, member);
  });

  await test.step("a wrong password is rejected with a message", async () => {
    await signIn(page, { email: member.email, password: "not-the-right-password" });
    await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password" })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
  });

  await test.step("the owner registers and is signed in", async () => {
    await page.getByRole("link", { name: "Create an account" }).click();
    await signUp(page, owner);
    await expect(page.getByRole("button", { name: `Account menu for ${owner.name}` })).toBeVisible();
  });

  await test.step("the account menu works from the keyboard", async () => {
    const button = page.getByRole("button", { name: `Account menu for ${owner.name}` });
    await button.focus();
    await page.keyboard.press("ArrowDown");
    await expect(page.getByRole("menuitem", { name: "Preferences" })).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(page.getByRole("menuitem", { name: "Security" })).toBeFocused();
    await page.keyboard.press("End");
    await expect(page.getByRole("menuitem", { name: "Sign out" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("menu")).toHaveCount(0);
    await expect(button).toBeFocused();
    await button.click();
    await expect(page.getByRole("menu")).toBeVisible();
    await page.getByRole("heading").first().click();
    await expect(page.getByRole("menu")).toHaveCount(0);
  });

  await test.step("the owner creates a project", async () => {
    await page.getByRole("button", { name: "New project" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a project" });
    await dialog.getByLabel("Name").fill(project.name);
    await dialog.getByLabel("Key").fill(project.key);
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.key}$`));
    await expect(page.getByRole("heading", { name: project.name, level: 1 })).toBeVisible();
  });

  await test.step("a duplicate project key shows the conflict inline", async () => {
    await page.goto("/projects");
    await page.getByRole("button", { name: "New project" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a project" });
    await dialog.getByLabel("Name").fill("Another project");
    await dialog.getByLabel("Key").fill(project.key);
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expect(dialog.getByText(`Project key ${project.key} is already taken`)).toBeVisible();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("the owner invites the member as a reporter", async () => {
    await page.getByRole("link", { name: new RegExp(project.name) }).click();
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.key}/settings$`));

    const inviteForm = page.getByRole("form", { name: "Invite people" });
    await inviteForm.getByLabel("Email address").fill(member.email);
    await inviteForm.getByLabel("Role").selectOption("REPORTER");
    await inviteForm.getByRole("button", { name: "Send invitation" }).click();

    await expect(page.getByRole("status").filter({ hasText: `Invitation sent to ${member.email}` })).toBeVisible();
    // Nobody joins before accepting: the invitation waits, the member is not listed yet.
    await expect(page.getByText(member.email).first()).toBeVisible();
    await expect(page.getByLabel(`Role for ${member.name}`)).toHaveCount(0);
    await signOut(page, owner);
  });

  await test.step("the member accepts the invitation from the Projects page and lands in the project", async () => {
    await signIn(page, member);
    await expect(page).toHaveURL(/\/projects$/);
    await page.getByRole("button", { name: `Accept the invitation to ${project.name}` }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.key}`));
    await expect(page.getByRole("heading", { name: project.name, level: 1 })).toBeVisible();
    await signOut(page, member);
  });

  await test.step("the owner promotes the member to maintainer, and it sticks", async () => {
    await signIn(page, owner);
    await expect(page).toHaveURL(/\/projects$/);
    await page.goto(`/projects/${project.key}/settings`);
    await expect(page.getByLabel(`Role for ${member.name}`)).toHaveValue("REPORTER");
    await page.getByLabel(`Role for ${member.name}`).selectOption("MAINTAINER");
    await expect(page.getByRole("status").filter({ hasText: `${member.name} is now Maintainer` })).toBeVisible();
    await page.reload();
    await expect(page.getByLabel(`Role for ${member.name}`)).toHaveValue("MAINTAINER");
    await signOut(page, owner);
  });

  await test.step("the member signs in and sees the project", async () => {
    await signIn(page, member);
    await expect(page).toHaveURL(/\/projects$/);
    const card = page.getByRole("link", { name: new RegExp(project.name) });
    await expect(card).toBeVisible();
    await expect(card).toContainText(project.key);
    // The card shows the viewer's effective role (an instance admin sees Admin), so check the membership itself.
    await card.click();
    await expect(page.getByRole("heading", { name: project.name, level: 1 })).toBeVisible();
    await expect(page.getByRole("listitem").filter({ hasText: member.email })).toContainText("Maintainer");
    await signOut(page, member);
  });
});
