/**
 * The dashboard: a maintainer's project with requirements, issues and a
 * trace link; an empty dashboard until the statistics are computed, then
 * five charts drawn from the stored daily rows, and the 30/90-day window in
 * the URL. A screenshot is saved for review.
 */
import { type APIRequestContext, expect, test } from "@playwright/test";

const stamp = Date.now();
const uniq = () => `${stamp.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const password = "Gauge-Meadow-Copper-41";
const projectKey = `D${letters(stamp).slice(-7)}`;
const owner = { name: "Dana Dashboard", email: `dana.${uniq()}@example.test` };

async function trpc<T = unknown>(request: APIRequestContext, path: string, json: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, {
    data: JSON.stringify({ json }),
    headers: { "content-type": "application/json" },
  });
  const body = await res.json();
  expect(res.status(), `${path}: ${JSON.stringify(body)}`).toBe(200);
  return body.result.data.json as T;
}

const dayBefore = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

test("the dashboard shows charts built from the daily statistics", async ({ page }) => {
  const request = page.context().request;

  await test.step("a maintainer sets up requirements, issues and a link", async () => {
    await trpc(request, "auth.register", { email: owner.email, name: owner.name, password });
    const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const signIn = await request.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: owner.email, password, json: "true" },
      maxRedirects: 0,
    });
    expect(signIn.status()).toBeLessThan(400);
    await trpc(request, "project.create", { key: projectKey, name: `Telemetry ${stamp}` });

    const titles = [
      "Export flight logs",
      "Encrypt telemetry at rest",
      "Alert on sensor loss",
      "Archive old missions",
      "Show battery level",
    ];
    const requirements: { key: string; version: number }[] = [];
    for (const title of titles)
      requirements.push(
        await trpc(request, "requirement.create", {
          projectKey,
          title,
          statement: `The system shall ${title.toLowerCase()}.`,
        }),
      );
    // Three approved, one in review, one left as a draft.
    for (const r of requirements.slice(0, 4)) {
      let v = (
        await trpc<{ version: number }>(request, "requirement.transition", {
          key: r.key,
          expectedVersion: r.version,
          to: "IN_REVIEW",
        })
      ).version;
      if (r !== requirements[3])
        v = (
          await trpc<{ version: number }>(request, "requirement.transition", {
            key: r.key,
            expectedVersion: v,
            to: "APPROVED",
          })
        ).version;
    }

    const severities = ["CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "LOW", "LOW"];
    const issues: { key: string; version: number }[] = [];
    for (const [i, severity] of severities.entries()) {
      issues.push(await trpc(request, "issue.create", { projectKey, title: `Telemetry issue ${i + 1}`, severity }));
    }
    // Two get done; the first of them implements an approved requirement.
    for (const issue of issues.slice(4, 6)) {
      const started = await trpc<{ version: number }>(request, "issue.transition", {
        key: issue.key,
        expectedVersion: issue.version,
        to: "IN_PROGRESS",
      });
      await trpc(request, "issue.transition", { key: issue.key, expectedVersion: started.version, to: "DONE" });
    }
    await trpc(request, "traceLink.create", {
      projectKey,
      from: issues[4]!.key,
      to: requirements[0]!.key,
      type: "IMPLEMENTS",
    });
  });

  await test.step("before any scheduled run the dashboard has today's numbers, one day drawn", async () => {
    await page.goto(`/projects/${projectKey}`);
    await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Dashboard" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${projectKey}/dashboard$`));
    await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
    await expect(page.getByText("No statistics for these days yet")).toHaveCount(0);
    await expect(page.getByText("Open issues", { exact: true }).locator("..")).toContainText("5");
    // One day: a stacked bar per chart (an area needs two days), its parts in the severities' colours.
    const severity = page.getByTestId("chart-open-by-severity");
    await expect(severity.locator(".recharts-bar-rectangle path").first()).toBeVisible();
    const fills = await severity
      .locator(".recharts-bar-rectangle path")
      .evaluateAll((paths) => [...new Set(paths.map((p) => p.getAttribute("fill")))]);
    expect(fills.length).toBeGreaterThanOrEqual(2);
    const requirementChart = page.getByTestId("chart-requirements-by-status");
    await expect(requirementChart.locator(".recharts-bar-rectangle path").first()).toBeVisible();
    await expect(requirementChart.getByText(/^\d+ requirements?$/)).toBeVisible();
    await expect(requirementChart.getByText(/^1 requirements$/)).toHaveCount(0);
  });

  await test.step("after recomputing, the charts show the data", async () => {
    // Past days through the API (a quiet week before today), today through the button.
    for (let n = 6; n >= 1; n--) await trpc(request, "stats.refresh", { projectKey, day: dayBefore(n) });
    await page.reload();
    await page.getByRole("button", { name: "Recompute today" }).first().click();

    const openStat = page.getByText("Open issues", { exact: true }).locator("..");
    await expect(openStat).toContainText("5");
    await expect(openStat).toContainText("3 critical or high");
    await expect(page.getByText("Implemented coverage", { exact: true }).locator("..")).toContainText("33.3%");

    const severity = page.getByTestId("chart-open-by-severity");
    await expect(severity.locator("path.recharts-area-area").first()).toBeVisible();
    expect(await severity.locator("path.recharts-area-area").count()).toBe(4);
    await expect(severity.locator(".recharts-cartesian-axis-tick-value").first()).toBeVisible();
    await expect(severity.locator(".recharts-legend-item-text", { hasText: "Critical" })).toBeVisible();

    const flow = page.getByTestId("chart-created-closed");
    await expect(flow.locator(".recharts-bar-rectangle path").first()).toBeVisible();
    await expect(flow).toContainText("7 created · 2 closed");

    const requirements = page.getByTestId("chart-requirements-by-status");
    await expect(requirements.locator("path.recharts-area-area").first()).toBeVisible();
    const coverage = page.getByTestId("chart-coverage");
    await expect(coverage.locator("path.recharts-line-curve")).toHaveCount(1);
    // Only today has approved requirements, so the trend is one dot so far.
    await expect(coverage.locator(".recharts-line-dots circle").first()).toBeVisible();
    const velocity = page.getByTestId("chart-velocity");
    await expect(velocity.locator(".recharts-bar-rectangle path").first()).toBeVisible();

    // A tooltip names the day and the values.
    await flow.locator(".recharts-bar-rectangle").last().hover();
    await expect(flow.locator(".recharts-tooltip-wrapper")).toContainText("Created7");
    await expect(flow.locator(".recharts-tooltip-wrapper")).toContainText("Closed2");

    await page.mouse.move(0, 0);
    await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });
  });

  await test.step("the window is part of the URL", async () => {
    await page.getByRole("link", { name: "Last 90 days" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${projectKey}/dashboard\\?days=90$`));
    await expect(page.getByRole("link", { name: "Last 90 days" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("chart-created-closed")).toContainText("Issues created vs closed per day");
    await expect(page.getByTestId("chart-open-by-severity").locator("path.recharts-area-area").first()).toBeVisible();
  });
});
