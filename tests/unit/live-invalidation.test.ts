/**
 * What a live change makes stale in a tab (lib/live/invalidation.ts): the
 * API routers whose queries a page refetches when the change arrives.
 */
import { describe, expect, it } from "vitest";

import { needsRouteRefresh, newChangeFilter, routersTouchedBy } from "@/lib/live/invalidation";

describe("routersTouchedBy", () => {
  it("refetches the issue views and the trace views for issue changes", () => {
    for (const type of ["issue.created", "issue.status_changed", "issue.assigned", "issue.commented"]) {
      expect(routersTouchedBy(type)).toEqual(["issue", "traceLink"]);
    }
  });

  it("refetches both ends' views for link changes: a suspect flag shows on the requirement and the issue", () => {
    expect(routersTouchedBy("traceLink.suspected")).toEqual(["traceLink", "requirement", "issue"]);
    expect(routersTouchedBy("traceLink.suspect_cleared")).toEqual(["traceLink", "requirement", "issue"]);
  });

  it("maps every other kind of change to the views that show it", () => {
    expect(routersTouchedBy("requirement.updated")).toEqual(["requirement", "traceLink", "review"]);
    expect(routersTouchedBy("review.responded")).toEqual(["review"]);
    expect(routersTouchedBy("baseline.created")).toEqual(["baseline"]);
    expect(routersTouchedBy("project.member_added")).toEqual(["project"]);
    expect(routersTouchedBy("project.slack_updated")).toEqual(["webhook", "project"]);
    expect(routersTouchedBy("project.settings_restored")).toEqual(["webhook", "project"]);
    expect(routersTouchedBy("webhook.updated")).toEqual(["webhook"]);
    expect(routersTouchedBy("outbox.retried")).toEqual(["jobs"]);
  });

  it("touches nothing for changes no page shows, or a type it does not know", () => {
    expect(routersTouchedBy("user.notification_preferences_changed")).toEqual([]);
    expect(routersTouchedBy("somethingNew")).toEqual([]);
    expect(routersTouchedBy("")).toEqual([]);
  });
});

describe("needsRouteRefresh", () => {
  it("renders the route again when the project or someone's role changed", () => {
    expect(needsRouteRefresh("project.updated")).toBe(true);
    expect(needsRouteRefresh("project.settings_restored")).toBe(true);
    expect(needsRouteRefresh("project.member_role_changed")).toBe(true);
    expect(needsRouteRefresh("project.member_removed")).toBe(true);
    expect(needsRouteRefresh("project.member_added")).toBe(false);
    expect(needsRouteRefresh("issue.updated")).toBe(false);
  });
});

describe("newChangeFilter", () => {
  it("drops a number the tab has already seen, or an older one, and keeps every newer one", () => {
    const isNew = newChangeFilter();
    expect([5, 6, 6, 4, 9, 9, 10].map(isNew)).toEqual([true, true, false, false, true, false, true]);
  });
});
