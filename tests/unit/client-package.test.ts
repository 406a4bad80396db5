/**
 * The client package's sources: what it takes from the app at run time is the browser's own link chain and
 * nothing of the server (the router is a type only), and the example program installs the tarball that
 * `npm run client:pack` builds for this version.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("the client package", () => {
  it("imports the server only as types", () => {
    const source = read("lib/client/index.ts");
    const imports = [...source.matchAll(/^import (type )?[^;]*? from "([^"]+)";/gm)].map((m) => ({
      typeOnly: Boolean(m[1]),
      from: m[2],
    }));
    expect(imports.filter((i) => i.from?.startsWith("@/server") && !i.typeOnly)).toEqual([]);
    expect(imports.map((i) => i.from)).toContain("@/lib/trpc/links");
  });

  it("is what the example program depends on, at the app's version", () => {
    const app = JSON.parse(read("package.json")) as { version: string; scripts: Record<string, string> };
    const example = JSON.parse(read("examples/node-client/package.json")) as {
      dependencies: Record<string, string>;
    };
    expect(app.scripts["client:pack"]).toBe("node scripts/client-pack.mjs");
    expect(example.dependencies["@specline/client"]).toBe(`file:../../dist/specline-client-${app.version}.tgz`);
  });
});
