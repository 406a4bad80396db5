/**
 * Orders a flat list of tree nodes depth-first — parents before children,
 * siblings by `compare` — with an explicit stack, so a tree 10,000 levels
 * deep costs memory, not JavaScript stack frames.
 *
 * Nodes whose parent is not in the list become top-level. Nodes that no root
 * reaches (only possible if stored data formed a cycle) are appended as
 * top-level nodes after the rest rather than dropped, and each node is
 * emitted exactly once.
 */
export interface TreeOrderOptions<T> {
  id: (node: T) => string;
  parentId: (node: T) => string | null;
  compare: (a: T, b: T) => number;
}

export interface Placed<T> {
  node: T;
  depth: number;
  /** The placed parent, or null for a top-level node. */
  parent: T | null;
}

export function inTreeOrder<T>(nodes: readonly T[], { id, parentId, compare }: TreeOrderOptions<T>): Placed<T>[] {
  const present = new Set(nodes.map(id));
  const roots: T[] = [];
  const childrenOf = new Map<string, T[]>();
  for (const node of nodes) {
    const parent = parentId(node);
    if (parent === null || !present.has(parent) || parent === id(node)) {
      roots.push(node);
      continue;
    }
    const list = childrenOf.get(parent);
    if (list) list.push(node);
    else childrenOf.set(parent, [node]);
  }
  roots.sort(compare);
  for (const list of childrenOf.values()) list.sort(compare);

  const out: Placed<T>[] = [];
  const placed = new Set<string>();
  const walk = (top: T) => {
    // Pushed in reverse so the first sibling is popped (and emitted) first.
    const stack: Placed<T>[] = [{ node: top, depth: 0, parent: null }];
    while (stack.length > 0) {
      const entry = stack.pop() as Placed<T>;
      const key = id(entry.node);
      if (placed.has(key)) continue;
      placed.add(key);
      out.push(entry);
      const children = childrenOf.get(key);
      if (!children) continue;
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push({ node: children[i] as T, depth: entry.depth + 1, parent: entry.node });
      }
    }
  };
  for (const root of roots) walk(root);
  if (placed.size < nodes.length) {
    for (const node of [...nodes].sort(compare)) if (!placed.has(id(node))) walk(node);
  }
  return out;
}

/** Requirement siblings: by position, then by key number for equal positions. */
export function siblingOrder<T extends { position: number; number: number }>(a: T, b: T): number {
  return a.position - b.position || a.number - b.number;
}
