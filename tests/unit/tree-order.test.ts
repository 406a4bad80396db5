import { describe, expect, it } from "vitest";

import { inTreeOrder, siblingOrder } from "@/lib/tree-order";

interface Node {
  id: string;
  parentId: string | null;
  position: number;
  number: number;
}

const node = (id: string, parentId: string | null, position: number, number = position): Node => ({
  id,
  parentId,
  position,
  number,
});
const order = (nodes: Node[]) =>
  inTreeOrder(nodes, { id: (n) => n.id, parentId: (n) => n.parentId, compare: siblingOrder }).map(
    (p) => `${p.node.id}@${p.depth}<${p.parent?.id ?? "-"}`,
  );

describe("inTreeOrder", () => {
  it("puts parents before children and siblings by position, then number", () => {
    const nodes = [
      node("b", null, 2),
      node("a2", "a", 1, 9),
      node("a", null, 1),
      node("a1", "a", 1, 3),
      node("a0", "a", 0.5),
      node("a1x", "a1", 1),
    ];
    expect(order(nodes)).toEqual(["a@0<-", "a0@1<a", "a1@1<a", "a1x@2<a1", "a2@1<a", "b@0<-"]);
  });

  it("makes nodes whose parent is missing top-level", () => {
    expect(order([node("x", "gone", 2), node("y", null, 1)])).toEqual(["y@0<-", "x@0<-"]);
  });

  it("emits every node of a stored cycle once instead of dropping or looping", () => {
    const nodes = [node("r", null, 1), node("p", "q", 1), node("q", "p", 2), node("s", "s", 3)];
    const out = order(nodes);
    expect(out).toHaveLength(4);
    expect(new Set(out.map((o) => o.split("@")[0]))).toEqual(new Set(["r", "p", "q", "s"]));
    expect(out[0]).toBe("r@0<-");
  });

  it("walks a chain 100,000 levels deep without recursion", () => {
    const depth = 100_000;
    // Stored child-first, so the order comes from the walk and not from the input.
    const nodes = Array.from({ length: depth }, (_, i) =>
      node(`n${depth - 1 - i}`, i === depth - 1 ? null : `n${depth - 2 - i}`, 1),
    );
    const out = inTreeOrder(nodes, { id: (n) => n.id, parentId: (n) => n.parentId, compare: siblingOrder });
    expect(out).toHaveLength(depth);
    expect(out[0]?.node.id).toBe("n0");
    expect(out[depth - 1]).toMatchObject({
      depth: depth - 1,
      node: { id: `n${depth - 1}` },
      parent: { id: `n${depth - 2}` },
    });
  });
});
