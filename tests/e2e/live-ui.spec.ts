/**
 * Pages that update themselves, in Chromium against the production server:
 * two people in their own browser contexts, one acting through the API,
 * the other watching pages that are never reloaded. Each page keeps one
 * live stream (`html[data-live="live"]` once it flows).
 */
import { type BrowserContext, expect, type Page, test } from "@playwright/test";

import { canStartSecondServer, secondServer } from "./support/server";
import { e2ePort } from "./support/server-env";
import { addMember, trpc, userContext } from "./support/users";

const stamp = Date.now();
const uniq = () => `${stamp.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const password = "Window-Ferry-Quartz-71";

const projectKey = `U${letters(stamp).slice(-7)}`;
const alice = { name: "Alice Author", email: `alice.${uniq()}@example.test` };
const bruno = { name: "Bruno Browser", email: `bruno.${uniq()}@example.test` };

/** Live changes must show within this long of the write's answer. */
const LIVE_MS = 2_000;

let a: { context: BrowserContext; page: Page };
let b: { context: BrowserContext; page: Page };
let brunoId: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser }) => {
  a = await userContext(browser, alice, password);
  b = await userContext(browser, bruno, password);
  await trpc(a.context.request, "project.create", { key: projectKey, name: `Live UI ${stamp}` });
  await addMember(a.context.request, b.context.request, { projectKey, email: bruno.email, role: "MAINTAINER" });
  const me = await (await b.context.request.get("/api/trpc/user.me")).json();
  brunoId = me.result.data.json.id;
});

test.afterAll(async () => {
  await a?.context.close();
  await b?.context.close();
});

async function openLive(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("data-live", "live");
}

test("an open issue page shows another's triage and a suspect link without a reload", async () => {
  const requirement = await trpc<{ key: string; version: number }>(a.context.request, "requirement.create", {
    projectKey,
    title: "Doors unlock after a crash",
  });
  const issue = await trpc<{ key: string; version: number }>(a.context.request, "issue.create", {
    projectKey,
    title: "Doors stay locked",
  });
  await trpc(a.context.request, "traceLink.create", {
    projectKey,
    from: issue.key,
    to: requirement.key,
    type: "IMPLEMENTS",
  });
  await openLive(b.page, `/projects/${projectKey}/issues/${issue.key}`);
  await expect(b.page.getByText("In progress")).toHaveCount(0);
  await expect(b.page.getByText("Suspect", { exact: true })).toHaveCount(0);

  await trpc(a.context.request, "issue.transition", {
    key: issue.key,
    expectedVersion: issue.version,
    to: "IN_PROGRESS",
  });
  await trpc(a.context.request, "requirement.update", {
    key: requirement.key,
    expectedVersion: requirement.version,
    statement: "All doors unlock within 5 s of a detected crash.",
  });
  await expect(b.page.getByText("In progress").first()).toBeVisible({ timeout: LIVE_MS });
  await expect(b.page.getByText("Suspect", { exact: true }).first()).toBeVisible({ timeout: LIVE_MS });
  await b.page.screenshot({ path: "test-results/live-issue-page.png", fullPage: true });
});

test("the issue list gains a new row live, marked as new; the bell count rises live", async () => {
  await openLive(b.page, `/projects/${projectKey}/issues`);
  const count = b.page.getByTestId("notification-count");
  const before = (await count.count()) > 0 ? Number(await count.textContent()) : 0;
  const issue = await trpc<{ key: string; version: number }>(a.context.request, "issue.create", {
    projectKey,
    title: "Seat belt chime is silent",
  });
  const row = b.page.locator("li", { hasText: "Seat belt chime is silent" });
  await expect(row).toBeVisible({ timeout: LIVE_MS });
  await expect(row).toHaveAttribute("data-fresh", "true");

  await trpc(a.context.request, "issue.assign", {
    key: issue.key,
    expectedVersion: issue.version,
    assigneeId: brunoId,
  });
  await expect(b.page.getByTestId("notification-count")).toHaveText(String(before + 1), { timeout: LIVE_MS });
  await b.page.screenshot({ path: "test-results/live-issue-list.png" });
});

test("an open editor says at once that someone else saved, and shows their changes", async () => {
  const requirement = await trpc<{ key: string; version: number }>(a.context.request, "requirement.create", {
    projectKey,
    title: "Wipers start in rain",
  });
  await openLive(b.page, `/projects/${projectKey}/requirements/${requirement.key}`);
  await b.page.getByRole("button", { name: "Edit" }).click();
  const title = b.page.getByLabel("Title");
  await title.fill("Wipers start in rain and snow");

  await trpc(a.context.request, "requirement.update", {
    key: requirement.key,
    expectedVersion: requirement.version,
    title: "Wipers start automatically in rain",
  });
  const notice = b.page.getByTestId("remote-edit");
  await expect(notice).toContainText(`Edited by ${alice.name}`, { timeout: LIVE_MS });
  // The half-typed draft is untouched and keeps the focus.
  await expect(title).toHaveValue("Wipers start in rain and snow");
  await expect(title).toBeFocused();
  // Around the editor the page shows the new version; the editor stays on the one it started from.
  await expect(b.page.getByTitle("Current version")).toHaveText("v2", { timeout: LIVE_MS });
  await expect(b.page.getByRole("heading", { name: "Wipers start automatically in rain" })).toBeVisible();
  await expect(b.page.getByText("Editing version 1")).toBeVisible();
  await expect(title).toBeFocused();
  await b.page.screenshot({ path: "test-results/live-editor-notice.png" });

  await notice.getByRole("button", { name: "Show changes" }).click();
  await expect(b.page.getByTestId("conflict-panel")).toBeVisible();
  await expect(b.page.getByTestId("conflict-panel")).toContainText("automatically");
});

test("the stream reconnects after its server restarts, and the page catches up on what it missed", async () => {
  test.skip(!canStartSecondServer(), "needs a database a second server can share (E2E_DATABASE_URL)");
  const server = secondServer(e2ePort + 1);
  await server.start();
  const page = await b.context.newPage();
  try {
    const issue = await trpc<{ key: string; version: number }>(a.context.request, "issue.create", {
      projectKey,
      title: "Hazard lights blink too fast",
    });
    await page.goto(`${server.url}/projects/${projectKey}/issues/${issue.key}`);
    await expect(page.locator("html")).toHaveAttribute("data-live", "live");
    await expect(page.getByText("In progress")).toHaveCount(0);
    // Gone if the page were reloaded.
    await page.evaluate(() => {
      document.documentElement.dataset.sameDocument = "yes";
    });

    // A deploy: the server this page streams from stops. The page says so.
    await server.stop("SIGTERM");
    const indicator = page.getByTestId("live-indicator");
    await expect(indicator).toHaveAttribute("data-state", "reconnecting");
    await expect(indicator).toHaveText(/Reconnecting/);
    await page.screenshot({ path: "test-results/live-reconnecting.png" });

    // Meanwhile Alice triages it on the other server.
    await trpc(a.context.request, "issue.transition", {
      key: issue.key,
      expectedVersion: issue.version,
      to: "IN_PROGRESS",
    });

    await server.start();
    // Back up: the stream opens again by itself and replays what it missed; nothing was reloaded.
    await expect(page.locator("html")).toHaveAttribute("data-live", "live", { timeout: 30_000 });
    await expect(page.getByText("In progress").first()).toBeVisible({ timeout: LIVE_MS });
    await expect(indicator).toHaveCount(0);
    await expect(page.locator("html")).toHaveAttribute("data-same-document", "yes");
  } finally {
    await page.close();
    await server.stop();
  }
});

test("after a gap too long to replay, the page fetches again what it shows", async () => {
  test.skip(!canStartSecondServer(), "needs a database a second server can share (E2E_DATABASE_URL)");
  // This server replays at most two changes of a project to a reconnecting tab.
  const server = secondServer(e2ePort + 1, { LIVE_REPLAY_MAX_CHANGES: "2" });
  await server.start();
  const page = await b.context.newPage();
  try {
    const issue = await trpc<{ key: string; version: number }>(a.context.request, "issue.create", {
      projectKey,
      title: "Fuel gauge reads empty",
    });
    await page.goto(`${server.url}/projects/${projectKey}/issues/${issue.key}`);
    await expect(page.locator("html")).toHaveAttribute("data-live", "live");
    await page.evaluate(() => {
      document.documentElement.dataset.sameDocument = "yes";
    });
    await server.stop("SIGKILL");
    await expect(page.getByTestId("live-indicator")).toBeVisible();

    // Three changes while the tab is away: one more than its server replays.
    const started = await trpc<{ version: number }>(a.context.request, "issue.transition", {
      key: issue.key,
      expectedVersion: issue.version,
      to: "IN_PROGRESS",
    });
    const renamed = await trpc<{ version: number }>(a.context.request, "issue.update", {
      key: issue.key,
      expectedVersion: started.version,
      title: "Fuel gauge reads empty after refuelling",
    });
    await trpc(a.context.request, "issue.update", {
      key: issue.key,
      expectedVersion: renamed.version,
      severity: "CRITICAL",
    });

    await server.start();
    await expect(page.locator("html")).toHaveAttribute("data-live", "live", { timeout: 30_000 });
    await expect(page.getByRole("heading", { name: "Fuel gauge reads empty after refuelling" })).toBeVisible({
      timeout: LIVE_MS,
    });
    await expect(page.getByText("In progress").first()).toBeVisible();
    await expect(page.getByRole("combobox", { name: "Severity" })).toHaveValue("CRITICAL");
    await expect(page.locator("html")).toHaveAttribute("data-same-document", "yes");
  } finally {
    await page.close();
    await server.stop();
  }
});

test("on a phone, the dashboard and the trace view follow a recompute and a new link without moving the reader", async () => {
  await b.page.setViewportSize({ width: 390, height: 844 });
  try {
    await trpc(a.context.request, "stats.refresh", { projectKey });
    await openLive(b.page, `/projects/${projectKey}/dashboard`);
    const open = b.page.getByText("Open issues", { exact: true }).locator("..");
    const before = Number((await open.locator("p").nth(1).textContent())?.trim());
    expect(before).toBeGreaterThan(0);
    const range = b.page.getByRole("link", { name: "Last 90 days" });
    await range.focus();
    await trpc(a.context.request, "issue.create", { projectKey, title: "Dome light flickers" });
    await trpc(a.context.request, "stats.refresh", { projectKey });
    await expect(open.locator("p").nth(1)).toHaveText(String(before + 1), { timeout: LIVE_MS });
    await expect(range).toBeFocused();

    await openLive(b.page, `/projects/${projectKey}/traceability`);
    const suspectOnly = b.page.getByRole("checkbox", { name: "Suspect only" });
    await suspectOnly.scrollIntoViewIfNeeded();
    await suspectOnly.focus();
    const scrolled = await b.page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(200);

    const requirement = await trpc<{ key: string }>(a.context.request, "requirement.create", {
      projectKey,
      title: "Horn sounds on a locked door",
    });
    const issue = await trpc<{ key: string }>(a.context.request, "issue.create", {
      projectKey,
      title: "Horn silent when locked",
    });
    await trpc(a.context.request, "traceLink.create", {
      projectKey,
      from: issue.key,
      to: requirement.key,
      type: "VERIFIES",
    });
    await expect(b.page.getByRole("table").getByText(requirement.key)).toBeVisible({ timeout: LIVE_MS });
    await expect(suspectOnly).toBeFocused();
    expect(Math.abs((await b.page.evaluate(() => window.scrollY)) - scrolled)).toBeLessThan(200);
    await b.page.screenshot({ path: "test-results/live-trace-phone.png" });
  } finally {
    await b.page.setViewportSize({ width: 1280, height: 720 });
  }
});
