/**
 * What a live change makes stale in a tab: the API routers whose cached
 * answers may show the changed item. The tab's live stream
 * (components/live/live-updates.tsx) invalidates them, and React Query
 * refetches only what is on screen.
 */

/** Routers of the API whose queries a change can affect. */
export type LiveRouter =
  | "issue"
  | "requirement"
  | "traceLink"
  | "baseline"
  | "project"
  | "webhook"
  | "subscription"
  | "jobs"
  | "stats"
  | "importJob"
  | "review";

/**
 * The routers a change of `type` (`<entity>.<action>`, e.g. `issue.created`,
 * `traceLink.suspected`) may have made stale. Lists, pages and the trace
 * views show titles, statuses and suspect flags of items on both ends of a
 * link, so requirement and issue changes reach the trace views and link
 * changes reach both lists.
 */
export function routersTouchedBy(type: string): LiveRouter[] {
  const entity = type.slice(0, type.indexOf(".") === -1 ? type.length : type.indexOf("."));
  // An import (or its undo) is announced once for all it wrote.
  if (/\.import(ed|_undone)$/.test(type)) {
    return entity === "issue" ? ["issue", "traceLink", "importJob"] : ["requirement", "traceLink", "importJob"];
  }
  switch (entity) {
    case "issue":
      return ["issue", "traceLink"];
    case "requirement":
      // A content change makes a requirement's approvals outdated.
      return ["requirement", "traceLink", "review"];
    case "review":
      return ["review"];
    case "traceLink":
      return ["traceLink", "requirement", "issue"];
    case "baseline":
      return ["baseline"];
    case "project":
      // A settings restore writes the integrations too.
      return type === "project.slack_updated" || type === "project.settings_restored"
        ? ["webhook", "project"]
        : ["project"];
    case "webhook":
      return ["webhook"];
    case "subscription":
      return ["subscription"];
    case "outbox":
      return ["jobs"];
    default:
      return [];
  }
}

/**
 * Whether a change may alter what the server rendered into the page: the
 * project's name, or someone's role (it may be the reader's — the page's
 * actions depend on it). The route is then rendered again.
 */
export function needsRouteRefresh(type: string): boolean {
  return (
    type === "project.updated" ||
    type === "project.settings_restored" ||
    type === "project.member_role_changed" ||
    type === "project.member_removed"
  );
}

/**
 * Whether a change is new to this tab: numbers only grow, so one already
 * seen (a replay overlapping what arrived before a reconnect) is dropped.
 * One filter per tab, for as long as it lives.
 */
export function newChangeFilter(): (seq: number) => boolean {
  let last = 0;
  return (seq) => {
    if (seq <= last) return false;
    last = seq;
    return true;
  };
}
