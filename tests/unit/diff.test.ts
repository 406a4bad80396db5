import { describe, expect, it } from "vitest";

import { diffSnapshots, diffText, reassemble, type Snapshot } from "@/lib/diff";

const base: Snapshot = {
  title: "Card payments",
  statement: "The system shall accept card payments.",
  rationale: "",
  type: "FUNCTIONAL",
  priority: "MUST",
  status: "DRAFT",
  tags: ["payments"],
  attributes: { risk: "high" },
  parentKey: null,
};

function roundTrips(a: string, b: string) {
  const segments = diffText(a, b);
  expect(reassemble(segments, "before")).toBe(a);
  expect(reassemble(segments, "after")).toBe(b);
  return segments;
}

describe("diffText", () => {
  it("handles empty texts", () => {
    expect(diffText("", "")).toEqual([]);
    expect(diffText("", "new text")).toEqual([{ kind: "insert", text: "new text" }]);
    expect(diffText("old text", "")).toEqual([{ kind: "delete", text: "old text" }]);
  });

  it("reports identical texts as one equal segment", () => {
    expect(diffText("same words", "same words")).toEqual([{ kind: "equal", text: "same words" }]);
  });

  it("marks changed words only", () => {
    const segments = roundTrips("The system shall accept card payments.", "The system shall reject card payments.");
    expect(segments.filter((s) => s.kind === "delete").map((s) => s.text.trim())).toEqual(["accept"]);
    expect(segments.filter((s) => s.kind === "insert").map((s) => s.text.trim())).toEqual(["reject"]);
  });

  it("handles Unicode (accents, CJK, emoji) without splitting characters", () => {
    const segments = roundTrips(
      "Le système doit accepter 支付 🚀 rapidement",
      "Le système doit refuser 支付 🚀🔥 rapidement",
    );
    const changed = segments.filter((s) => s.kind !== "equal").map((s) => s.text);
    expect(changed.join("")).not.toContain("\uFFFD");
    expect(changed.some((t) => t.includes("accepter"))).toBe(true);
    expect(changed.some((t) => t.includes("refuser"))).toBe(true);
  });

  it("handles very long texts", () => {
    const words = Array.from({ length: 15_000 }, (_, i) => `word${i}`);
    const a = words.join(" ");
    const b = [...words.slice(0, 7000), "INSERTED", ...words.slice(7000)].join(" ");
    const segments = roundTrips(a, b);
    expect(segments.filter((s) => s.kind === "insert").map((s) => s.text.trim())).toEqual(["INSERTED"]);
  });

  it("shows reordered paragraphs as a delete and an insert, preserving both texts", () => {
    const p1 = "First paragraph about limits.";
    const p2 = "Second paragraph about retries.";
    const segments = roundTrips(`${p1}\n\n${p2}`, `${p2}\n\n${p1}`);
    expect(segments.some((s) => s.kind === "delete")).toBe(true);
    expect(segments.some((s) => s.kind === "insert")).toBe(true);
  });
});

describe("diffSnapshots", () => {
  it("returns nothing for identical snapshots (attribute key order does not matter)", () => {
    expect(diffSnapshots(base, { ...base, attributes: { ...base.attributes } })).toEqual([]);
    const a = { ...base, attributes: { x: 1, y: { b: 2, a: 1 } } };
    const b = { ...base, attributes: { y: { a: 1, b: 2 }, x: 1 } };
    expect(diffSnapshots(a, b)).toEqual([]);
  });

  it("reports attribute-only changes per attribute", () => {
    const changes = diffSnapshots(base, { ...base, attributes: { risk: "low", owner: 3 } });
    expect(changes.map((c) => c.field)).toEqual(["attributes.owner", "attributes.risk"]);
    expect(changes[0]).toMatchObject({ kind: "value", before: null, after: 3 });
    expect(changes[1]).toMatchObject({ kind: "text", before: "high", after: "low" });
  });

  it("reports value, list and text fields with their kinds", () => {
    const changes = diffSnapshots(base, {
      ...base,
      status: "IN_REVIEW",
      tags: ["payments", "pci"],
      statement: "The system shall accept card and wallet payments.",
      parentKey: "PAY-1",
    });
    expect(Object.fromEntries(changes.map((c) => [c.field, c.kind]))).toEqual({
      statement: "text",
      status: "value",
      parentKey: "value",
      tags: "list",
    });
    expect(changes.find((c) => c.field === "tags")).toMatchObject({ added: ["pci"], removed: [] });
  });

  it("ignores tag order", () => {
    expect(diffSnapshots({ ...base, tags: ["a", "b"] }, { ...base, tags: ["b", "a"] })).toEqual([]);
  });

  it("compares a multi-valued enum's options as a set, from none, to none and between lists", () => {
    const withPlatforms = (platforms: unknown) => ({ ...base, attributes: { ...base.attributes, platforms } });
    expect(diffSnapshots(withPlatforms(["web", "ios"]), withPlatforms(["ios", "web"]))).toEqual([]);
    expect(diffSnapshots(withPlatforms(["web", "ios"]), withPlatforms(["ios", "android"]))).toEqual([
      {
        field: "attributes.platforms",
        kind: "list",
        before: ["web", "ios"],
        after: ["ios", "android"],
        added: ["android"],
        removed: ["web"],
      },
    ]);
    expect(diffSnapshots(base, withPlatforms(["web"]))).toEqual([
      { field: "attributes.platforms", kind: "list", before: [], after: ["web"], added: ["web"], removed: [] },
    ]);
    expect(diffSnapshots(withPlatforms(["web"]), base)).toMatchObject([
      { field: "attributes.platforms", kind: "list", after: [], removed: ["web"] },
    ]);
    // A definition that changed type: the value changed kind, so it is shown whole.
    expect(diffSnapshots(withPlatforms("web"), withPlatforms(["web"]))).toMatchObject([
      { field: "attributes.platforms", kind: "value", before: "web", after: ["web"] },
    ]);
  });
});
