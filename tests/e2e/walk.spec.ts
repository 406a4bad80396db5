/**
 * A walk through every page as each role — instance admin, maintainer,
 * reporter — on a desktop (1280×800) and a phone (390×844), with the browser
 * in another time zone and locale than the server's. On every page: nothing
 * scrolls sideways, and axe finds no serious or critical accessibility
 * violation. Screenshots of each page land in test-results/walk/ to look at.
 */
import AxeBuilder from "@axe-core/playwright";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";

import { addMember, trpc, userContext } from "./support/users";

const stamp = Date.now();
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const projectKey = `W${letters(stamp).slice(-7)}`;
const password = "Walk-Lantern-Quarry-83";
const people = {
  admin: { name: "Ada Admin", email: `ada.walk.${stamp}@example.test` },
  maintainer: { name: "Milo Maintainer", email: `milo.walk.${stamp}@example.test` },
  reporter: { name: "Rosa Reporter", email: `rosa.walk.${stamp}@example.test` },
};
type Role = keyof typeof people;

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
const BROWSER = { timezoneId: "Asia/Kolkata", locale: "en-GB" };

interface Refs {
  requirement: string;
  issue: string;
  baseline: string;
}

/** The pages a role can reach, with the heading each must show. */
function pagesFor(role: Role, refs: Refs): { path: string; heading: RegExp }[] {
  const p = `/projects/${projectKey}`;
  const shared = [
    { path: "/projects", heading: /^Projects$/ },
    { path: p, heading: /Walk/ },
    { path: `${p}/requirements`, heading: /^Requirements$/ },
    { path: `${p}/requirements/${refs.requirement}`, heading: /Keep every change/ },
    { path: `${p}/baselines`, heading: /^Baselines$/ },
    { path: `${p}/baselines/${refs.baseline}`, heading: /Walk baseline/ },
    { path: `${p}/issues`, heading: /^Issues$/ },
    { path: `${p}/issues/${refs.issue}`, heading: /Export loses the history/ },
    { path: `${p}/traceability`, heading: /^Traceability$/ },
    { path: `${p}/dashboard`, heading: /^Dashboard$/ },
    { path: "/notifications", heading: /^Notifications$/ },
    { path: "/settings/preferences", heading: /^Preferences$/ },
    { path: "/settings/security", heading: /^Security$/ },
    { path: "/settings/tokens", heading: /^API tokens$/ },
  ];
  if (role === "reporter")
    return shared.filter((s) => !s.path.includes("/baselines") && !s.path.endsWith("/traceability"));
  if (role === "admin") {
    return [
      ...shared,
      { path: `${p}/settings`, heading: /Walk/ },
      { path: `${p}/settings/history`, heading: /Walk/ },
      { path: `${p}/import`, heading: /Walk/ },
      { path: "/admin", heading: /./ },
      { path: "/admin/system", heading: /./ },
    ];
  }
  return shared;
}

async function makeInstanceAdmin(email: string): Promise<boolean> {
  const databaseUrl = process.env.E2E_DATABASE_URL;
  if (!databaseUrl) return false;
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`UPDATE "User" SET role = 'ADMIN' WHERE email = $1`, [email]);
  } finally {
    await client.end();
  }
  return true;
}

/** The outbox events of an issue and the notifications its reporter got, as text for a failure message. */
async function notificationTrail(issueKey: string, email: string): Promise<string> {
  const databaseUrl = process.env.E2E_DATABASE_URL;
  if (!databaseUrl) return "(no database to ask: embedded run)";
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const pending = await client.query(
      `SELECT count(*)::int AS n, min("createdAt") AS oldest FROM "OutboxEvent" WHERE "dispatchedAt" IS NULL AND "failedAt" IS NULL`,
    );
    const events = await client.query(
      `SELECT type, "createdAt", "dispatchedAt", "failedAt", attempts, "lastError", "leaseUntil"
       FROM "OutboxEvent" WHERE payload->>'issueKey' = $1 OR payload::text LIKE $2 ORDER BY "createdAt"`,
      [issueKey, `%"${issueKey}"%`],
    );
    const watches = await client.query(
      `SELECT s.* FROM "Subscription" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1`,
      [email],
    );
    const notes = await client.query(
      `SELECT n.type, n.title, n."createdAt" FROM "Notification" n JOIN "User" u ON u.id = n."userId" WHERE u.email = $1`,
      [email],
    );
    return JSON.stringify(
      { pending: pending.rows[0], events: events.rows, watches: watches.rows, notifications: notes.rows },
      null,
      1,
    );
  } finally {
    await client.end();
  }
}

/** What a person would call a problem on this page: sideways scrolling, and serious accessibility faults. */
async function inspect(page: Page, label: string, problems: string[]) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) {
    const widest = await page.evaluate(() => {
      const vw = window.innerWidth;
      return [...document.querySelectorAll<HTMLElement>("body *")]
        .filter((el) => el.getBoundingClientRect().right > vw + 1)
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 3).join(".")}`);
    });
    problems.push(`${label}: scrolls sideways by ${overflow}px (${widest.join(", ")})`);
  }
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  for (const v of axe.violations.filter((x) => x.impact === "serious" || x.impact === "critical")) {
    problems.push(
      `${label}: ${v.impact} ${v.id} — ${v.help} (${v.nodes
        .slice(0, 2)
        .map((n) => n.target.join(" "))
        .join("; ")})`,
    );
  }
}

test.describe.configure({ timeout: 420_000 });

test("every page, every role, desktop and phone, another time zone: no sideways scroll, no serious axe violation", async ({
  browser,
}) => {
  const contexts: Record<Role, { context: BrowserContext; page: Page }> = {
    admin: await userContext(browser, people.admin, password, BROWSER),
    maintainer: await userContext(browser, people.maintainer, password, BROWSER),
    reporter: await userContext(browser, people.reporter, password, BROWSER),
  };
  const instanceAdmin = await makeInstanceAdmin(people.admin.email);

  const admin = contexts.admin.context.request;
  await trpc(admin, "project.create", { key: projectKey, name: `Walk ${stamp}` });
  await addMember(admin, contexts.maintainer.context.request, {
    projectKey,
    email: people.maintainer.email,
    role: "MAINTAINER",
  });
  await addMember(admin, contexts.reporter.context.request, {
    projectKey,
    email: people.reporter.email,
    role: "REPORTER",
  });
  const requirement = await trpc<{ key: string; version: number }>(admin, "requirement.create", {
    projectKey,
    title: "Keep every change",
    statement: "The system shall keep **every** change to a requirement.",
  });
  await trpc(admin, "requirement.update", {
    key: requirement.key,
    expectedVersion: requirement.version,
    statement: "The system shall keep every change to a requirement, with its author.",
  });
  const baseline = await trpc<{ id: string }>(admin, "baseline.create", { projectKey, name: "Walk baseline" });
  const issue = await trpc<{ key: string }>(contexts.reporter.context.request, "issue.create", {
    projectKey,
    title: "Export loses the history",
    description: "Exported files have only the **latest** version.",
    severity: "HIGH",
  });
  await trpc(admin, "traceLink.create", { projectKey, from: issue.key, to: requirement.key, type: "VERIFIES" });
  await trpc(admin, "issue.transition", { key: issue.key, expectedVersion: 1, to: "TRIAGED" });
  const refs: Refs = { requirement: requirement.key, issue: issue.key, baseline: baseline.id };

  await test.step("the activity feed and notifications read as sentences, linked to the item", async () => {
    const { page } = contexts.admin;
    await page.goto(`/projects/${projectKey}`);
    const feed = page.getByRole("list", { name: "Recent activity" });
    const created = feed.getByRole("link", { name: `created ${requirement.key} “Keep every change”` });
    await expect(created).toHaveAttribute("href", `/projects/${projectKey}/requirements/${requirement.key}`);
    await expect(
      feed.getByRole("link", { name: `moved ${issue.key} “Export loses the history” from Open to Triaged` }),
    ).toBeVisible();
    await expect(feed).not.toContainText(/traceLink|requirement updated|TRIAGED/);

    const reporterPage = contexts.reporter.page;
    const sentence = `Ada Admin moved ${issue.key} from Open to Triaged`;
    try {
      await expect
        .poll(
          async () => {
            await reporterPage.goto("/notifications");
            // The inbox loads after the page: count only once it shows a list or says it is empty.
            await expect(
              reporterPage
                .getByRole("list", { name: "Notifications" })
                .or(reporterPage.getByText("No notifications yet")),
            ).toBeVisible({ timeout: 15_000 });
            return reporterPage
              .getByRole("list", { name: "Notifications" })
              .getByRole("link", { name: sentence })
              .count();
          },
          { timeout: 60_000, intervals: [1_000, 2_000, 5_000] },
        )
        .toBeGreaterThan(0);
    } catch (err) {
      // Say what the server did with the change, so a failure names its cause.
      throw new Error(`${(err as Error).message}\n${await notificationTrail(issue.key, people.reporter.email)}`);
    }
  });

  await test.step("focus is visible on every control the keyboard reaches in the top bar", async () => {
    const { page } = contexts.maintainer;
    await page.goto("/projects");
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      const ring = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return "body";
        const style = getComputedStyle(el);
        const outline = style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0;
        const shadow = style.boxShadow !== "none";
        return outline || shadow ? "visible" : `${el.tagName.toLowerCase()} "${el.textContent?.trim().slice(0, 30)}"`;
      });
      expect(ring, `focus ring on Tab ${i + 1}`).toBe("visible");
    }
  });

  const problems: string[] = [];
  for (const role of Object.keys(people) as Role[]) {
    const { page } = contexts[role];
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      for (const { path, heading } of pagesFor(role, refs)) {
        if (path.startsWith("/admin") && !instanceAdmin) continue;
        await test.step(`${role} on a ${name}: ${path}`, async () => {
          await page.goto(path);
          await expect(page.getByRole("heading", { name: heading }).first()).toBeVisible();
          // Client-rendered parts finish loading (no spinner left) before the page is judged.
          await page
            .waitForFunction(() => !document.querySelector('.animate-spin, [aria-busy="true"]'), undefined, {
              timeout: 10_000,
            })
            .catch(() => undefined);
          const label = `${role}/${name} ${path}`;
          await inspect(page, label, problems);
          const file = `${role}-${name}-${path.replaceAll("/", "_").replace(/^_/, "") || "root"}.png`;
          await page.screenshot({ path: test.info().outputPath("walk", file), fullPage: true });
        });
      }
    }
  }
  expect(problems, problems.join("\n")).toEqual([]);
  for (const { context } of Object.values(contexts)) await context.close();
});
