/**
 * The live stream through the production server, in Chromium: a page opens
 * `live.events` with the browser's own EventSource (same origin, session
 * cookie, the pages' Content-Security-Policy) and receives another user's
 * change as it happens — the server streams the response instead of
 * buffering it. A reporter's stream in the same project never carries
 * another member's issue.
 */
import { expect, type Page, test } from "@playwright/test";

import { addMember, trpc, userContext } from "./support/users";

const stamp = Date.now();
const uniq = () => `${stamp.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const password = "Stream-Harbor-Linen-58";

const projectKey = `L${letters(stamp).slice(-7)}`;
const admin = { name: "Lena Lead", email: `lena.${uniq()}@example.test` };
const maintainer = { name: "Max Maintainer", email: `max.${uniq()}@example.test` };
const reporter = { name: "Rita Reporter", email: `rita.${uniq()}@example.test` };

/** Opens the stream in the page; what arrives collects in `window.liveMessages`. */
async function openStream(page: Page, key: string) {
  await page.goto("/projects");
  await page.evaluate((projectKey) => {
    const input = encodeURIComponent(JSON.stringify({ json: { projectKey } }));
    const w = window as unknown as { liveMessages: unknown[]; liveSource: EventSource };
    w.liveMessages = [];
    w.liveSource = new EventSource(`/api/trpc/live.events?input=${input}`);
    w.liveSource.onmessage = (event) =>
      w.liveMessages.push({ ...JSON.parse(event.data).json, eventId: event.lastEventId });
  }, key);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { liveMessages: { kind: string }[] }).liveMessages))
    .toContainEqual(expect.objectContaining({ kind: "notifications" }));
}

function changesIn(page: Page) {
  return page.evaluate(() =>
    (
      window as unknown as { liveMessages: { kind: string; key: string; eventId: string; seq: number }[] }
    ).liveMessages.filter((m) => m.kind === "change"),
  );
}

test("another user's change arrives on an open page's stream; a reporter's stream leaves out others' issues", async ({
  browser,
}) => {
  const a = await userContext(browser, admin, password);
  const m = await userContext(browser, maintainer, password);
  const r = await userContext(browser, reporter, password);
  await trpc(a.context.request, "project.create", { key: projectKey, name: `Live ${stamp}` });
  await addMember(a.context.request, m.context.request, { projectKey, email: maintainer.email, role: "MAINTAINER" });
  await addMember(a.context.request, r.context.request, { projectKey, email: reporter.email, role: "REPORTER" });

  await openStream(m.page, projectKey);
  await openStream(r.page, projectKey);

  const adminIssue = await trpc<{ key: string }>(a.context.request, "issue.create", {
    projectKey,
    title: "Brake lights flicker",
  });
  const started = Date.now();
  await expect
    .poll(async () => (await changesIn(m.page)).map((c) => c.key), { timeout: 2_000 })
    .toContain(adminIssue.key);
  expect(Date.now() - started).toBeLessThan(2_000);
  const arrived = (await changesIn(m.page)).find((c) => c.key === adminIssue.key);
  expect(arrived).toMatchObject({ type: "issue.created", projectKey, eventId: String(arrived?.seq) });

  // The reporter's own issue reaches their stream; the admin's never did.
  const ownIssue = await trpc<{ key: string }>(r.context.request, "issue.create", {
    projectKey,
    title: "Horn is quiet",
  });
  await expect.poll(async () => (await changesIn(r.page)).map((c) => c.key)).toContain(ownIssue.key);
  expect((await changesIn(r.page)).map((c) => c.key)).not.toContain(adminIssue.key);

  for (const ctx of [a, m, r]) await ctx.context.close();
});
