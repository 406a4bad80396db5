/**
 * Links between issues: shown on both ends read from that end, closing a
 * duplicate in the same change, reporters never learning of issues they may
 * not see, and the bounds and refusals a hostile caller runs into.
 */
import { beforeEach, describe, expect, it } from "vitest";

import { MAX_ISSUE_LINKS } from "@/lib/schemas/issue";
import { db } from "@/server/db";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

beforeEach(async () => {
  cast = await createProjectWithCast();
});

const fileIssue = (userId: string, title: string) =>
  callerFor(userId).issue.create({ projectKey: cast.key, title, severity: "MEDIUM" });

describe("issue links", () => {
  it("shows each link on both issues, read from that end", async () => {
    const maintainer = callerFor(cast.maintainer.id);
    const login = await fileIssue(cast.reporter.id, "Sign-in fails");
    const profile = await fileIssue(cast.reporter.id, "Profile page is blank");
    const audit = await fileIssue(cast.reporter.id, "Audit log misses sign-ins");

    await maintainer.issue.links.add({ key: login.key, type: "BLOCKS", to: profile.key });
    await maintainer.issue.links.add({ key: audit.key, type: "RELATES_TO", to: login.key });

    const onLogin = await maintainer.issue.links.list({ key: login.key });
    expect(onLogin.items.map((l) => [l.label, l.issue.key, l.direction])).toEqual([
      ["blocks", profile.key, "outward"],
      ["relates to", audit.key, expect.stringMatching(/^(inward|outward)$/)],
    ]);
    const onProfile = await maintainer.issue.links.list({ key: profile.key });
    expect(onProfile.items.map((l) => [l.label, l.issue.key, l.issue.title])).toEqual([
      ["is blocked by", login.key, "Sign-in fails"],
    ]);
    expect(onProfile.items[0]?.createdBy?.id).toBe(cast.maintainer.id);
    // The reporter filed all three: they see every link.
    expect((await callerFor(cast.reporter.id).issue.links.list({ key: audit.key })).items).toHaveLength(1);

    // Audited, with both ends named.
    const audited = await db.auditEvent.findFirstOrThrow({
      where: { action: "issue.linked", projectId: cast.project.id },
    });
    expect(audited.actorId).toBe(cast.maintainer.id);
    expect(audited.after).toMatchObject({ type: "BLOCKS", from: { key: login.key }, to: { key: profile.key } });
  });

  it("refuses the same link twice, a link in both directions, a self-link and a link to another project", async () => {
    const maintainer = callerFor(cast.maintainer.id);
    const a = await fileIssue(cast.maintainer.id, "A");
    const b = await fileIssue(cast.maintainer.id, "B");
    await maintainer.issue.links.add({ key: a.key, type: "BLOCKS", to: b.key });
    await expectTRPCError(maintainer.issue.links.add({ key: a.key, type: "BLOCKS", to: b.key }), "CONFLICT");
    const both = await expectTRPCError(
      maintainer.issue.links.add({ key: b.key, type: "BLOCKS", to: a.key }),
      "CONFLICT",
    );
    expect(both.message).toContain(`${a.key} already blocks ${b.key}`);
    // "Relates to" has no direction: the reverse is the same link.
    await maintainer.issue.links.add({ key: a.key, type: "RELATES_TO", to: b.key });
    await expectTRPCError(maintainer.issue.links.add({ key: b.key, type: "RELATES_TO", to: a.key }), "CONFLICT");
    await expectTRPCError(maintainer.issue.links.add({ key: a.key, type: "DUPLICATES", to: a.key }), "BAD_REQUEST");

    const elsewhere = await createProjectWithCast();
    const foreign = await callerFor(elsewhere.admin.id).issue.create({ projectKey: elsewhere.key, title: "Foreign" });
    await expectTRPCError(maintainer.issue.links.add({ key: a.key, type: "BLOCKS", to: foreign.key }), "NOT_FOUND");
    await expectTRPCError(
      maintainer.issue.links.add({ key: a.key, type: "BLOCKS", to: `${cast.key}-I-9999` }),
      "NOT_FOUND",
    );
    expect((await maintainer.issue.links.list({ key: a.key })).items).toHaveLength(2);
  });

  it("closes a duplicate as Won't fix with the resolution 'duplicate' in the same change", async () => {
    const maintainer = callerFor(cast.maintainer.id);
    const original = await fileIssue(cast.reporter.id, "Export loses the history");
    const copy = await fileIssue(cast.reporter.id, "Exported file has no old versions");

    // Closing needs the version the caller saw, and a stale one changes nothing.
    await expectTRPCError(
      maintainer.issue.links.add({ key: copy.key, type: "DUPLICATES", to: original.key, closeAsDuplicate: true }),
      "BAD_REQUEST",
    );
    await maintainer.issue.update({ key: copy.key, expectedVersion: 1, severity: "HIGH" });
    await expectTRPCError(
      maintainer.issue.links.add({
        key: copy.key,
        type: "DUPLICATES",
        to: original.key,
        closeAsDuplicate: true,
        expectedVersion: 1,
      }),
      "CONFLICT",
    );
    expect((await maintainer.issue.links.list({ key: copy.key })).items).toEqual([]);

    const { link, issue } = await maintainer.issue.links.add({
      key: copy.key,
      type: "DUPLICATES",
      to: original.key,
      closeAsDuplicate: true,
      expectedVersion: 2,
    });
    expect(link.label).toBe("duplicates");
    expect(issue).toMatchObject({ status: "WONT_FIX", resolution: "duplicate", version: 3 });
    expect(issue.closedAt).not.toBeNull();
    const onOriginal = await maintainer.issue.links.list({ key: original.key });
    expect(onOriginal.items.map((l) => [l.label, l.issue.key, l.issue.status, l.issue.resolution])).toEqual([
      ["is duplicated by", copy.key, "WONT_FIX", "duplicate"],
    ]);
    const history = await maintainer.issue.history({ key: copy.key });
    expect(history.items[0]?.snapshot).toMatchObject({ status: "WONT_FIX", resolution: "duplicate" });

    // Only a duplicate closes as one; a closed issue cannot be closed again.
    await expectTRPCError(
      maintainer.issue.links.add({
        key: original.key,
        type: "BLOCKS",
        to: copy.key,
        closeAsDuplicate: true,
        expectedVersion: 1,
      }),
      "BAD_REQUEST",
    );
    const third = await fileIssue(cast.reporter.id, "Third report");
    await expectTRPCError(
      maintainer.issue.links.add({
        key: copy.key,
        type: "DUPLICATES",
        to: third.key,
        closeAsDuplicate: true,
        expectedVersion: 3,
      }),
      "BAD_REQUEST",
    );

    // Reopened: the resolution goes.
    const reopened = await maintainer.issue.transition({ key: copy.key, expectedVersion: 3, to: "OPEN" });
    expect(reopened.resolution).toBeNull();
  });

  it("never shows a reporter a link to an issue they may not see, nor lets them remove it", async () => {
    const maintainer = callerFor(cast.maintainer.id);
    const reporter = callerFor(cast.reporter.id);
    const mine = await fileIssue(cast.reporter.id, "Mine");
    const internal = await fileIssue(cast.admin.id, "Internal security review");
    const alsoMine = await fileIssue(cast.reporter.id, "Also mine");
    const { link: hidden } = await maintainer.issue.links.add({ key: internal.key, type: "BLOCKS", to: mine.key });
    await maintainer.issue.links.add({ key: mine.key, type: "RELATES_TO", to: alsoMine.key });

    const seen = await reporter.issue.links.list({ key: mine.key });
    expect(seen.items.map((l) => l.issue.key)).toEqual([alsoMine.key]);
    expect(JSON.stringify(seen)).not.toContain("Internal security review");
    // Maintainers see both.
    expect((await maintainer.issue.links.list({ key: mine.key })).items).toHaveLength(2);
    // Not even removing it by id tells them it exists.
    await expectTRPCError(reporter.issue.links.remove({ key: mine.key, linkId: hidden.id }), "FORBIDDEN");
    await expectTRPCError(reporter.issue.links.list({ key: internal.key }), "NOT_FOUND");
  });

  it("removes a link from either end, audited; a link id of another issue is NOT_FOUND", async () => {
    const maintainer = callerFor(cast.maintainer.id);
    const a = await fileIssue(cast.maintainer.id, "A");
    const b = await fileIssue(cast.maintainer.id, "B");
    const c = await fileIssue(cast.maintainer.id, "C");
    const { link } = await maintainer.issue.links.add({ key: a.key, type: "BLOCKS", to: b.key });
    await expectTRPCError(maintainer.issue.links.remove({ key: c.key, linkId: link.id }), "NOT_FOUND");
    await expectTRPCError(maintainer.issue.links.remove({ key: c.key, linkId: "x".repeat(65) }), "BAD_REQUEST");
    await expect(maintainer.issue.links.remove({ key: b.key, linkId: link.id })).resolves.toEqual({ ok: true });
    expect((await maintainer.issue.links.list({ key: a.key })).items).toEqual([]);
    await expectTRPCError(maintainer.issue.links.remove({ key: b.key, linkId: link.id }), "NOT_FOUND");
    expect(await db.auditEvent.count({ where: { action: "issue.unlinked", entityId: link.id } })).toBe(1);
  });

  it(`stops at ${MAX_ISSUE_LINKS} links per issue, so every page that lists them stays bounded`, async () => {
    const hub = await fileIssue(cast.maintainer.id, "Hub");
    const hubRow = await db.issue.findUniqueOrThrow({ where: { key: hub.key }, select: { id: true } });
    // The links are written straight to the table: the bound is what is under test, not a hundred calls.
    const others = await Promise.all(
      Array.from({ length: MAX_ISSUE_LINKS }, (_, i) =>
        db.issue.create({
          data: {
            projectId: cast.project.id,
            number: 10_000 + i,
            key: `${cast.key}-I-${10_000 + i}`,
            title: `Spoke ${i}`,
            severity: "LOW",
          },
          select: { id: true },
        }),
      ),
    );
    await db.issueLink.createMany({
      data: others.map((o) => ({
        projectId: cast.project.id,
        fromIssueId: hubRow.id,
        toIssueId: o.id,
        type: "RELATES_TO",
      })),
    });
    const one = await fileIssue(cast.maintainer.id, "One too many");
    const refused = await expectTRPCError(
      callerFor(cast.maintainer.id).issue.links.add({ key: one.key, type: "BLOCKS", to: hub.key }),
      "BAD_REQUEST",
    );
    expect(refused.message).toContain(`${MAX_ISSUE_LINKS} links`);
    expect((await callerFor(cast.maintainer.id).issue.links.list({ key: hub.key })).items).toHaveLength(
      MAX_ISSUE_LINKS,
    );
  });
});
