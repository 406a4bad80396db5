/**
 * How changes to a project's attribute definitions apply to requirements written before them: a newly
 * required attribute binds new values only, a retired one keeps its stored values readable but takes no new
 * ones, and definitions, types and options that stored versions use cannot be deleted or changed. Settings
 * changes keep their compare-and-set on the project version.
 */
import { beforeEach, describe, expect, it } from "vitest";

import * as exportRoute from "@/app/api/projects/[key]/export/route";
import type { AttributeDefinition } from "@/lib/schemas/project";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";
import { sessionCookieFor } from "../helpers/session";

type Definition = Omit<AttributeDefinition, "required"> & { required?: boolean };

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let admin: ReturnType<typeof callerFor>;
let maint: ReturnType<typeof callerFor>;

const METHOD: Definition = {
  key: "method",
  label: "Verification method",
  type: "enum",
  options: ["Test", "Analysis", "Inspection"],
};
const OWNER: Definition = { key: "owner", label: "Owner", type: "text" };

beforeEach(async () => {
  cast = await createProjectWithCast();
  admin = callerFor(cast.admin.id);
  maint = callerFor(cast.maintainer.id);
});

/** Replaces the project's definitions, against its current version. */
async function define(defs: Definition[]) {
  const project = await admin.project.byKey({ projectKey: cast.key });
  return admin.project.update({
    projectKey: cast.key,
    expectedVersion: project.version,
    settings: { ...project.settings, requirementAttributes: defs },
  });
}

describe("a newly required attribute", () => {
  it("binds creates and edits of the values, not older versions, edits of other fields or restores", async () => {
    await define([METHOD, OWNER]);
    const old = await maint.requirement.create({ projectKey: cast.key, title: "Old", attributes: { owner: "QA" } });
    await define([{ ...METHOD, required: true }, OWNER]);

    const missing = await expectTRPCError(
      maint.requirement.create({ projectKey: cast.key, title: "New", attributes: { owner: "QA" } }),
      "BAD_REQUEST",
    );
    expect(missing.message).toBe('Attribute "method": is required');
    const created = await maint.requirement.create({
      projectKey: cast.key,
      title: "New",
      attributes: { method: "Test" },
    });
    expect(created.attributes).toEqual({ method: "Test" });

    // Editing the title of a requirement written before the rule is not blocked by it.
    const retitled = await maint.requirement.update({ key: old.key, expectedVersion: 1, title: "Old, retitled" });
    expect(retitled).toMatchObject({ version: 2, attributes: { owner: "QA" } });
    // Sending the values unchanged is no change of them either.
    const resent = await maint.requirement.update({
      key: old.key,
      expectedVersion: 2,
      statement: "Now with a statement",
      attributes: { owner: "QA" },
    });
    expect(resent.version).toBe(3);
    // Changing the values must supply it.
    const changed = await expectTRPCError(
      maint.requirement.update({ key: old.key, expectedVersion: 3, attributes: { owner: "Ops" } }),
      "BAD_REQUEST",
    );
    expect(changed.message).toBe('Attribute "method": is required');
    const supplied = await maint.requirement.update({
      key: old.key,
      expectedVersion: 3,
      attributes: { owner: "Ops", method: "Analysis" },
    });
    expect(supplied).toMatchObject({ version: 4, attributes: { owner: "Ops", method: "Analysis" } });

    // Restoring version 1, which had no value for it, brings that version back as it was.
    const restored = await maint.requirement.restore({ key: old.key, version: 1, expectedVersion: 4 });
    expect(restored).toMatchObject({ version: 5, title: "Old", attributes: { owner: "QA" } });
    // A transition of it is not blocked either.
    const sent = await maint.requirement.transition({ key: old.key, to: "IN_REVIEW", expectedVersion: 5 });
    expect(sent.version).toBe(6);
  });
});

describe("a retired attribute", () => {
  it("keeps stored values readable in the page, history, diff and export but takes no new ones", async () => {
    await define([METHOD, OWNER]);
    const r = await maint.requirement.create({
      projectKey: cast.key,
      title: "Checked",
      attributes: { method: "Inspection", owner: "QA" },
    });
    await define([{ ...METHOD, retired: true }, OWNER]);
    const settings = (await admin.project.byKey({ projectKey: cast.key })).settings as {
      requirementAttributes: AttributeDefinition[];
    };
    expect(settings.requirementAttributes[0]).toMatchObject({ key: "method", retired: true });

    expect((await maint.requirement.byKey({ key: r.key })).attributes).toEqual({ method: "Inspection", owner: "QA" });

    // An edit that leaves it out keeps the stored value; sending it unchanged is fine too.
    const edited = await maint.requirement.update({ key: r.key, expectedVersion: 1, attributes: { owner: "Ops" } });
    expect(edited).toMatchObject({ version: 2, attributes: { method: "Inspection", owner: "Ops" } });
    const same = await maint.requirement.update({
      key: r.key,
      expectedVersion: 2,
      attributes: { method: "Inspection", owner: "Dev" },
    });
    expect(same).toMatchObject({ version: 3, attributes: { method: "Inspection", owner: "Dev" } });

    // Changing, clearing or newly setting it is refused, naming the attribute.
    for (const value of ["Test", null]) {
      const err = await expectTRPCError(
        maint.requirement.update({ key: r.key, expectedVersion: 3, attributes: { method: value, owner: "Dev" } }),
        "BAD_REQUEST",
      );
      expect(err.message).toMatch(/^Attribute "method": is retired/);
    }
    const fresh = await expectTRPCError(
      maint.requirement.create({ projectKey: cast.key, title: "New", attributes: { method: "Test" } }),
      "BAD_REQUEST",
    );
    expect(fresh.message).toMatch(/^Attribute "method": is retired/);

    const history = await maint.requirement.history({ key: r.key });
    expect(history.items.map((h) => h.version)).toEqual([3, 2, 1]);
    const diff = await maint.requirement.diff({ key: r.key, from: 1, to: 3 });
    expect(diff.from.snapshot.attributes).toEqual({ method: "Inspection", owner: "QA" });
    expect(diff.changes.map((c) => c.field)).toEqual(["attributes.owner"]);

    const res = await exportRoute.GET(
      new Request(`http://localhost/api/projects/${cast.key}/export?format=csv`, {
        headers: { cookie: await sessionCookieFor(cast.maintainer.id) },
      }),
      { params: Promise.resolve({ key: cast.key }) },
    );
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain("Verification method");
    expect(csv).toContain("Inspection");

    // A restore brings back the earlier version's values as they were, the retired one included.
    await maint.requirement.update({ key: r.key, expectedVersion: 3, attributes: { method: "Inspection" } });
    const restored = await maint.requirement.restore({ key: r.key, version: 1, expectedVersion: 4 });
    expect(restored.attributes).toEqual({ method: "Inspection", owner: "QA" });
  });
});

describe("changing definitions that stored values use", () => {
  it("refuses deleting, retyping or dropping a used option, and allows it while nothing uses them", async () => {
    await define([METHOD, OWNER, { key: "spare", label: "Spare", type: "number" }]);
    const r = await maint.requirement.create({ projectKey: cast.key, title: "Used", attributes: { method: "Test" } });
    // The value lives only in version 1 from here on: earlier versions count as much as the current one.
    await maint.requirement.update({ key: r.key, expectedVersion: 1, attributes: { method: "Analysis" } });
    const version = (await admin.project.byKey({ projectKey: cast.key })).version;

    const refusals: [Definition[], RegExp][] = [
      [[OWNER], /^Attribute "method" cannot be deleted: 1 requirement has a value for it.*Retire it instead/],
      [[{ ...METHOD, type: "text", options: undefined }, OWNER], /^Attribute "method" cannot change from enum to text/],
      [[{ ...METHOD, type: "multiEnum" }, OWNER], /^Attribute "method" cannot change from enum to multiEnum/],
      [[{ ...METHOD, options: ["Analysis", "Inspection"] }, OWNER], /option "Test" cannot be removed/],
    ];
    for (const [defs, message] of refusals) {
      const err = await expectTRPCError(define(defs), "BAD_REQUEST");
      expect(err.message).toMatch(message);
    }
    expect((await admin.project.byKey({ projectKey: cast.key })).version).toBe(version);

    // Unused: the option nobody chose, the attribute nobody filled in, and a type change of an unused one.
    const changed = await define([
      { ...METHOD, label: "Method", options: ["Test", "Analysis"], required: true },
      { ...OWNER, type: "richText" },
    ]);
    expect(changed.version).toBe(version + 1);
    expect((changed.settings as { requirementAttributes: unknown[] }).requirementAttributes).toEqual([
      { key: "method", label: "Method", type: "enum", options: ["Test", "Analysis"], required: true },
      { key: "owner", label: "Owner", type: "richText", required: false },
    ]);
  });

  it("refuses the same for multi-valued enums by each option chosen", async () => {
    const platforms: Definition = { key: "platforms", label: "Platforms", type: "multiEnum", options: ["web", "ios"] };
    await define([platforms]);
    await maint.requirement.create({ projectKey: cast.key, title: "Both", attributes: { platforms: ["ios"] } });
    const err = await expectTRPCError(define([{ ...platforms, options: ["web"] }]), "BAD_REQUEST");
    expect(err.message).toMatch(/"platforms": option "ios" cannot be removed/);
    await define([{ ...platforms, options: ["ios"] }]);
  });
});

describe("settings updates", () => {
  it("refuse a stale project version with CONFLICT carrying the current version", async () => {
    await define([OWNER]);
    const project = await admin.project.byKey({ projectKey: cast.key });
    await admin.project.update({
      projectKey: cast.key,
      expectedVersion: project.version,
      settings: { requirementAttributes: [OWNER, METHOD] },
    });
    const err = await expectTRPCError(
      admin.project.update({
        projectKey: cast.key,
        expectedVersion: project.version,
        settings: { requirementAttributes: [{ ...OWNER, retired: true }] },
      }),
      "CONFLICT",
    );
    expect((err as unknown as { details: { currentVersion: number } }).details.currentVersion).toBe(
      project.version + 1,
    );
  });

  it("stay with project admins: a maintainer cannot retire an attribute", async () => {
    await define([OWNER]);
    const project = await admin.project.byKey({ projectKey: cast.key });
    await expectTRPCError(
      maint.project.update({
        projectKey: cast.key,
        expectedVersion: project.version,
        settings: { requirementAttributes: [{ ...OWNER, retired: true }] },
      }),
      "FORBIDDEN",
    );
  });
});
