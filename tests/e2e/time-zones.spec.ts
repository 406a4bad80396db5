/**
 * Times in the reader's zone and locale, with the browser far from the
 * server (Auckland, German date format, against a server on UTC): the page
 * shows the browser's times from the first visit on, the server renders
 * them that way from the next request, hydration changes nothing, and the
 * zone for emails is set in Preferences.
 */
import { expect, test } from "@playwright/test";

import { trpc, userContext } from "./support/users";

const stamp = Date.now();
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const projectKey = `Z${letters(stamp).slice(-7)}`;
const user = { name: "Tama Zone", email: `tama.${stamp}@example.test` };
const password = "Meridian-Kelp-Harbour-61";

const TIME_ZONE = "Pacific/Auckland";
const LOCALE = "de-DE";
const inReaderZone = (iso: string) =>
  new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE }).format(
    new Date(iso),
  );

test("times read in the browser's zone and locale, rendered so by the server too", async ({ browser }) => {
  const { context, page } = await userContext(browser, user, password, { timezoneId: TIME_ZONE, locale: LOCALE });
  const hydrationErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /hydrat|did not match/i.test(message.text()))
      hydrationErrors.push(message.text());
  });
  await trpc(context.request, "project.create", { key: projectKey, name: `Zones ${stamp}` });
  const requirement = await trpc<{ key: string }>(context.request, "requirement.create", {
    projectKey,
    title: "Log every change",
    statement: "The system shall keep every change.",
  });
  const url = `/projects/${projectKey}/requirements/${requirement.key}`;

  await test.step("the first visit shows the browser's zone", async () => {
    await page.goto(url);
    const created = page.locator("main time[datetime]").first();
    await expect(created).toBeVisible();
    const iso = (await created.getAttribute("datetime")) ?? "";
    await expect(created).toHaveAttribute("title", inReaderZone(iso));
    await expect(created).toHaveText(/ago|now/);
  });

  await test.step("the browser told the server its zone: the next page arrives in it", async () => {
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "specline-tz")?.value).toBe(encodeURIComponent(TIME_ZONE));
    const html = await (await context.request.get(url, { headers: { "accept-language": LOCALE } })).text();
    const [, iso = "", title = ""] = /<time[^>]*datetime="([^"]+)"[^>]*title="([^"]+)"/i.exec(html) ?? [];
    expect(iso).not.toBe("");
    expect(title).toBe(inReaderZone(iso));
    await page.reload();
    await expect(page.locator("main time[datetime]").first()).toHaveAttribute("title", inReaderZone(iso));
  });

  await test.step("emails use the zone chosen in Preferences", async () => {
    await page.getByRole("button", { name: `Account menu for ${user.name}` }).click();
    await page.getByRole("menuitem", { name: "Preferences" }).click();
    await expect(page.getByRole("heading", { name: "Preferences", level: 1 })).toBeVisible();
    const select = page.getByLabel("Time zone");
    await expect(select).toHaveValue("UTC");
    await page.getByRole("button", { name: /Use this browser.s zone \(Pacific\/Auckland\)/ }).click();
    await expect(select).toHaveValue(TIME_ZONE);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status")).toHaveText("Emails now give times in Pacific/Auckland.");
    const me = await (await context.request.get("/api/trpc/user.me")).json();
    expect(me.result.data.json.timeZone).toBe(TIME_ZONE);
  });

  expect(hydrationErrors).toEqual([]);
  await context.close();
});
