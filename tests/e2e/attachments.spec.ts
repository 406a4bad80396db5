/**
 * Attachments as people use them: files added while filing an issue, an
 * image pasted into a comment (attached, shown in the comment), a file
 * dropped on the section, thumbnails with a preview, and removal.
 */
import { expect, type Page, test } from "@playwright/test";

import { trpc, userContext } from "./support/users";

const stamp = Date.now();
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const projectKey = `A${letters(stamp).slice(-7)}`;
const password = "Attach-Pebble-Lagoon-44";
const user = { name: "Alma Attach", email: `alma.${stamp}@example.test` };

/** A 1×1 PNG. */
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** Fires a paste (or drop) carrying a PNG at `selector`, as the browser does for a screenshot. */
async function sendImage(page: Page, selector: string, kind: "paste" | "drop", name: string) {
  await page.evaluate(
    ({ selector, kind, name, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], name, { type: "image/png" }));
      const target = document.querySelector(selector);
      if (!target) throw new Error(`no ${selector}`);
      const event =
        kind === "paste"
          ? new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
          : new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
      target.dispatchEvent(event);
    },
    { selector, kind, name, base64: PNG_BASE64 },
  );
}

const loaded = (locator: ReturnType<Page["locator"]>) =>
  expect.poll(() => locator.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);

test("attach while filing, paste into a comment, drop, preview and remove", async ({ browser }) => {
  const { context, page } = await userContext(browser, user, password);
  await trpc(context.request, "project.create", { key: projectKey, name: `Files ${stamp}` });

  await test.step("files added while filing the issue are attached to it", async () => {
    await page.goto(`/projects/${projectKey}/issues`);
    await page.getByRole("button", { name: "New issue" }).click();
    const dialog = page.getByRole("dialog", { name: "New issue" });
    await dialog.getByLabel("Title").fill("Checkout shows a blank page");
    await dialog.locator('input[type="file"]').setInputFiles([
      { name: "console.log", mimeType: "text/plain", buffer: Buffer.from("TypeError: x is undefined\n") },
      { name: "blank.png", mimeType: "image/png", buffer: Buffer.from(PNG_BASE64, "base64") },
    ]);
    await expect(dialog.getByText("console.log")).toBeVisible();
    await dialog.getByRole("button", { name: "Create issue" }).click();
    await expect(page.getByRole("heading", { name: "Checkout shows a blank page" })).toBeVisible();
    // The reporter watches what they filed from the first moment.
    await expect(page.getByRole("button", { name: "Unwatch" })).toBeVisible();
    const section = page.getByRole("region", { name: /Attachments/ });
    await expect(section.getByRole("link", { name: "console.log" })).toBeVisible();
    await expect(section.getByRole("link", { name: "blank.png" })).toBeVisible();
  });

  await test.step("a thumbnail opens a preview", async () => {
    const thumb = page.getByRole("button", { name: "Preview blank.png" });
    await loaded(thumb.locator("img"));
    await thumb.click();
    const preview = page.getByRole("dialog", { name: "blank.png" });
    await loaded(preview.locator("img"));
    await expect(preview.getByRole("link", { name: "Download" })).toHaveAttribute("href", /\/api\/attachments\//);
    await page.keyboard.press("Escape");
    await expect(preview).toBeHidden();
  });

  await test.step("an image pasted into a comment is attached and shown in it", async () => {
    const box = page.getByLabel("Add a comment");
    await box.click();
    await box.pressSequentially("Here is what I see: ");
    await sendImage(page, "textarea[id^='new-comment-']", "paste", "image.png");
    await expect(box).toHaveValue(/!\[pasted-[\d-]+\.png\]\(\/api\/attachments\/[a-z0-9]+\?inline=1\)/);
    await page.getByRole("button", { name: "Comment", exact: true }).click();
    const shown = page.locator("article img[src*='/api/attachments/']").first();
    await expect(shown).toBeVisible();
    await loaded(shown);
    await expect(
      page.getByRole("region", { name: /Attachments/ }).getByRole("link", { name: /pasted-/ }),
    ).toBeVisible();
  });

  await test.step("a file dropped on the section is attached", async () => {
    await sendImage(page, "section[aria-labelledby='attachments-heading']", "drop", "dropped.png");
    await expect(
      page.getByRole("region", { name: /Attachments/ }).getByRole("link", { name: "dropped.png" }),
    ).toBeVisible();
  });

  await test.step("the uploader removes a file", async () => {
    await page.getByRole("button", { name: "Remove console.log" }).click();
    const confirm = page.getByRole("dialog", { name: "Remove console.log?" });
    await confirm.getByRole("button", { name: "Remove file" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole("link", { name: "console.log" })).toHaveCount(0);
  });

  await context.close();
});
