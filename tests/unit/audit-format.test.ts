/**
 * The activity feed in words: each event a sentence naming the item by key
 * and title, statuses as people read them, never the raw action name for an
 * event the feed knows.
 */
import { describe, expect, it } from "vitest";

import { type AuditEventLike, describeEvent, eventSubject } from "@/components/audit-format";

const event = (action: string, entityType: string, before: unknown, after: unknown): AuditEventLike => ({
  action,
  entityType,
  before,
  after,
  actor: { id: "u1", email: "max@example.com", name: "Max" },
});
const req = (extra: object = {}) => ({ key: "PAY-12", title: "Refund in 5 days", version: 3, ...extra });
const issue = (extra: object = {}) => ({ key: "PAY-I-4", title: "Refund stuck", ...extra });
const link = (extra: object = {}) => ({
  type: "IMPLEMENTS",
  from: { kind: "issue", key: "PAY-I-4", title: "Refund stuck" },
  to: { key: "PAY-12", title: "Refund in 5 days" },
  ...extra,
});

const issueLink = (type: string) => ({
  type,
  from: { key: "PAY-I-4", title: "Refund stuck" },
  to: { key: "PAY-I-9", title: "Refund page blank" },
});

describe("describeEvent", () => {
  const cases: [AuditEventLike, string][] = [
    [event("requirement.created", "Requirement", null, req({ version: 1 })), "created PAY-12 “Refund in 5 days”"],
    [
      event("requirement.updated", "Requirement", req(), req({ version: 4 })),
      "edited PAY-12 “Refund in 5 days” (now version 4)",
    ],
    [
      event("requirement.transitioned", "Requirement", req({ status: "DRAFT" }), req({ status: "IN_REVIEW" })),
      "moved PAY-12 “Refund in 5 days” from Draft to In review",
    ],
    [event("issue.created", "Issue", null, issue()), "reported PAY-I-4 “Refund stuck”"],
    [
      event("issue.status_changed", "Issue", issue({ status: "TRIAGED" }), issue({ status: "IN_PROGRESS" })),
      "moved PAY-I-4 “Refund stuck” from Triaged to In progress",
    ],
    [
      event("issue.assigned", "Issue", issue(), issue({ assignee: { name: "Ada" } })),
      "assigned PAY-I-4 “Refund stuck” to Ada",
    ],
    [event("issue.assigned", "Issue", issue(), issue({ assignee: null })), "unassigned PAY-I-4 “Refund stuck”"],
    [event("traceLink.created", "TraceLink", null, link()), "linked from PAY-I-4 to PAY-12 (implements)"],
    [
      event("traceLink.suspect_cleared", "TraceLink", link({ suspect: true }), link({ suspect: false })),
      "confirmed the suspect link from PAY-I-4 to PAY-12 (implements) still holds",
    ],
    [
      event("traceLink.suspected", "TraceLink", link(), link({ suspect: true })),
      "flagged the link from PAY-I-4 to PAY-12 (implements) as suspect: PAY-12 changed",
    ],
    [event("baseline.created", "Baseline", null, { name: "Release 1" }), "took the baseline “Release 1”"],
    [event("issue.linked", "IssueLink", null, issueLink("BLOCKS")), "marked PAY-I-4 as blocking PAY-I-9"],
    [event("issue.linked", "IssueLink", null, issueLink("DUPLICATES")), "marked PAY-I-4 as a duplicate of PAY-I-9"],
    [event("issue.linked", "IssueLink", null, issueLink("RELATES_TO")), "linked PAY-I-4 and PAY-I-9 as related"],
    [event("issue.unlinked", "IssueLink", issueLink("BLOCKS"), null), "removed the link “PAY-I-4 blocks PAY-I-9”"],
  ];
  for (const [e, sentence] of cases) {
    it(`${e.action} reads “${sentence}”`, () => expect(describeEvent(e)).toBe(sentence));
  }

  it("copes with snapshots that lack fields", () => {
    expect(describeEvent(event("requirement.updated", "Requirement", null, null))).toBe("edited an item");
    expect(describeEvent(event("issue.status_changed", "Issue", {}, { key: "X-I-1" }))).toBe("moved X-I-1 from ? to ?");
  });
});

describe("eventSubject", () => {
  it("links a requirement's or an issue's event to it, and a link's to its source", () => {
    expect(eventSubject(event("requirement.updated", "Requirement", req(), req()))).toEqual({
      key: "PAY-12",
      section: "requirements",
    });
    expect(eventSubject(event("issue.created", "Issue", null, issue()))).toEqual({ key: "PAY-I-4", section: "issues" });
    expect(eventSubject(event("traceLink.created", "TraceLink", null, link()))).toEqual({
      key: "PAY-I-4",
      section: "issues",
    });
    expect(eventSubject(event("issue.linked", "IssueLink", null, issueLink("BLOCKS")))).toEqual({
      key: "PAY-I-4",
      section: "issues",
    });
  });

  it("links nothing that is gone or not an item", () => {
    expect(eventSubject(event("issue.deleted", "Issue", issue(), null))).toBeNull();
    expect(eventSubject(event("project.updated", "Project", {}, { key: "PAY" }))).toBeNull();
  });
});
