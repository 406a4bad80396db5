/**
 * How changed definitions apply to values, in the one server check (validateAttributes) and in the form's
 * check before a save (checkDraft, changedFields): required binds changed values only, retired attributes
 * keep their stored value, take no new one and have no input.
 */
import { describe, expect, it } from "vitest";

import { attributeLabels, toRawAttributes } from "@/components/requirements/attributes";
import { changedFields, checkDraft, draftFrom } from "@/components/requirements/draft";
import type { Snapshot } from "@/lib/diff";
import type { AttributeDefinition } from "@/lib/schemas/project";
import { AppError } from "@/server/errors";
import { validateAttributes } from "@/server/services/requirements/attributes";

const DEFS: AttributeDefinition[] = [
  { key: "method", label: "Verification method", type: "enum", required: true, options: ["Test", "Analysis"] },
  { key: "owner", label: "Owner", type: "text", required: false },
  { key: "legacy", label: "Legacy ID", type: "text", required: false, retired: true },
];

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("BAD_REQUEST");
    return (err as AppError).message;
  }
  throw new Error("accepted");
}

describe("validateAttributes with definitions that changed", () => {
  it("requires on create, and on an edit only when the values change", () => {
    expect(messageOf(() => validateAttributes(DEFS, { owner: "QA" }))).toBe('Attribute "method": is required');
    const previous = { owner: "QA" };
    expect(validateAttributes(DEFS, { owner: "QA" }, { previous })).toEqual({ owner: "QA" });
    expect(messageOf(() => validateAttributes(DEFS, { owner: "Ops" }, { previous }))).toBe(
      'Attribute "method": is required',
    );
    expect(validateAttributes(DEFS, { owner: "QA" }, { previous: {}, restore: true })).toEqual({ owner: "QA" });
  });

  it("keeps a retired value an edit leaves out or repeats, and refuses setting, changing or clearing it", () => {
    const previous = { method: "Test", legacy: "L-1" };
    expect(validateAttributes(DEFS, { method: "Analysis" }, { previous })).toEqual({
      method: "Analysis",
      legacy: "L-1",
    });
    expect(validateAttributes(DEFS, { method: "Test", legacy: "L-1" }, { previous })).toEqual(previous);
    for (const legacy of ["L-2", "", null]) {
      expect(messageOf(() => validateAttributes(DEFS, { method: "Test", legacy }, { previous }))).toMatch(
        /^Attribute "legacy": is retired/,
      );
    }
    expect(messageOf(() => validateAttributes(DEFS, { method: "Test", legacy: "L-9" }))).toMatch(/is retired/);
    // A restore brings the old value back as it was.
    expect(validateAttributes(DEFS, { legacy: "L-0" }, { previous, restore: true })).toEqual({ legacy: "L-0" });
  });
});

describe("the requirement form", () => {
  const base: Snapshot = {
    title: "Old",
    statement: "",
    rationale: "",
    type: "FUNCTIONAL",
    priority: "SHOULD",
    status: "DRAFT",
    tags: [],
    attributes: { owner: "QA", legacy: "L-1" },
    parentKey: null,
  };

  it("has no input for a retired attribute, and labels it retired in diffs", () => {
    expect(Object.keys(toRawAttributes(DEFS, base.attributes))).toEqual(["method", "owner"]);
    expect(attributeLabels(DEFS).legacy).toBe("Legacy ID (retired)");
  });

  it("lets an edit that leaves the values alone through, but not one that changes them without the required one", () => {
    const draft = { ...draftFrom(base, DEFS), title: "Retitled" };
    expect(checkDraft(draft, DEFS, base.attributes)).toMatchObject({ ok: true });
    expect(changedFields(base, draft, DEFS)).toEqual({ title: "Retitled" });

    const changed = { ...draft, attributes: { ...draft.attributes, owner: "Ops" } };
    const checked = checkDraft(changed, DEFS, base.attributes);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.errors.attributes?.method).toBe("Verification method is required");

    // A new requirement is always held to it.
    expect(checkDraft({ ...draft, attributes: { method: "", owner: "QA" } }, DEFS).ok).toBe(false);
    // The retired value is not sent: the server keeps it.
    const withMethod = { ...draft, attributes: { method: "Test", owner: "QA" } };
    expect(changedFields(base, withMethod, DEFS).attributes).toEqual({ method: "Test", owner: "QA" });
  });
});
