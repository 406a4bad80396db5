/**
 * Which code may import what. Each rule names the files it covers and the
 * imports they must not have; the files are read and their import, export …
 * from, require() and import() specifiers picked out with a regex. Relative
 * specifiers are rewritten to the `@/` form, so `../../server/db` counts as
 * `@/server/db`. Type-only imports (`import type`, `export type`) are left
 * out: the compiler erases them, so they bring no code into a bundle.
 *
 * To add a rule, add an entry to `rules`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const NOT_SOURCE_DIRS = new Set(["node_modules", ".git", ".next", "playwright-report", "test-results"]);

/** Every source file under the given folders, as paths from the repository root with `/` separators. */
function sourceFiles(...dirs: string[]): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir === "." ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!NOT_SOURCE_DIRS.has(entry.name) && !entry.name.startsWith(".data")) visit(rel);
      } else if (SOURCE.test(entry.name)) {
        out.push(rel);
      }
    }
  };
  dirs.forEach(visit);
  return out.sort();
}

type Import = { specifier: string; line: number };

const STATIC = /^[ \t]*(?:import|export)(\s+type)?\s+(?:[\w$*\s{},]+?\s+from\s*)?["']([^"'\n]+)["']/gm;
const DYNAMIC = /\b(?:require|import)\s*\(\s*["']([^"'\n]+)["']\s*\)/g;

/** The modules `source` loads at run time; `file` (from the repository root) resolves relative specifiers. */
function importsOf(source: string, file: string): Import[] {
  // Comments go (keeping their line breaks, for line numbers) so a docblock that quotes an import is not one.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/^[ \t]*\/\/.*$/gm, "");
  const lineAt = (index: number) => code.slice(0, index).split("\n").length;
  const normalize = (specifier: string) =>
    specifier.startsWith(".")
      ? `@/${path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))}`.replace(SOURCE, "")
      : specifier;
  const found: Import[] = [];
  for (const m of code.matchAll(STATIC)) {
    if (!m[1]) found.push({ specifier: normalize(m[2]!), line: lineAt(m.index) });
  }
  for (const m of code.matchAll(DYNAMIC)) found.push({ specifier: normalize(m[1]!), line: lineAt(m.index) });
  return found;
}

function read(file: string): string {
  return readFileSync(path.join(root, file), "utf8");
}

/** True for `module` itself and anything under it (`@/server` covers `@/server/db`). */
function within(specifier: string, module: string): boolean {
  return specifier === module || specifier.startsWith(`${module}/`);
}

/** Every import in `files` that `forbidden` refuses, as "file:line imports specifier". */
function violations(files: string[], forbidden: (specifier: string) => boolean): string[] {
  return files.flatMap((file) =>
    importsOf(read(file), file)
      .filter((i) => forbidden(i.specifier))
      .map((i) => `${file}:${i.line} imports ${i.specifier}`),
  );
}

/** lib/ modules marked `server-only` (the server caller and its loaders), as `@/lib/...` specifiers. */
const serverOnlyLibModules = sourceFiles("lib")
  .filter((file) => importsOf(read(file), file).some((i) => i.specifier === "server-only"))
  .map((file) => `@/${file.replace(SOURCE, "")}`);

type Rule = { name: string; files: () => string[]; forbidden: (specifier: string) => boolean };

const isInngest = (s: string) => within(s, "inngest") || s.startsWith("@inngest/");

const rules: Rule[] = [
  {
    name: "components/ is safe for the browser: no server-only, server/ or server-only lib/ modules",
    files: () => sourceFiles("components"),
    forbidden: (s) => s === "server-only" || within(s, "@/server") || serverOnlyLibModules.some((m) => within(s, m)),
  },
  {
    // Services, routers and the UI do not depend on the job runner; tests and scripts may (@inngest/test).
    name: "only server/jobs/ and the /api/inngest route import Inngest",
    files: () =>
      [...sourceFiles("app", "components", "lib", "server", "prisma"), "instrumentation.ts"].filter(
        (file) => !file.startsWith("server/jobs/") && !file.startsWith("app/api/inngest/"),
      ),
    forbidden: isInngest,
  },
];

describe("module boundaries", () => {
  for (const { name, files, forbidden } of rules) {
    it(name, () => {
      const covered = files();
      expect(covered.length).toBeGreaterThan(0);
      expect(violations(covered, forbidden)).toEqual([]);
    });
  }

  it("knows the server caller and its loaders are server-only", () => {
    expect(serverOnlyLibModules).toEqual(
      expect.arrayContaining(["@/lib/trpc/server", "@/lib/trpc/current-user", "@/lib/trpc/project-data"]),
    );
  });

  it("reads every form of import and skips type-only ones and comments", () => {
    const source = [
      'import "server-only";',
      "import type { AppRouter } from '@/server/api/root';",
      "import {",
      "  a,",
      "  type B,",
      '} from "@/server/db";',
      'import def, * as ns from "../../lib/trpc/server";',
      'export { x } from "./sibling";',
      'export type { Y } from "@/server/errors";',
      'export * from "@/lib/schemas/issue";',
      'const lazy = await import("@/server/jobs/client");',
      'const cjs = require("node:fs");',
      '/** import "@/server/in-a-comment" */',
      '// import "@/server/also-a-comment";',
      "export const notAnImport = 1;",
    ].join("\n");
    expect(importsOf(source, "components/issues/view.tsx")).toEqual([
      { specifier: "server-only", line: 1 },
      { specifier: "@/server/db", line: 3 },
      { specifier: "@/lib/trpc/server", line: 7 },
      { specifier: "@/components/issues/sibling", line: 8 },
      { specifier: "@/lib/schemas/issue", line: 10 },
      { specifier: "@/server/jobs/client", line: 11 },
      { specifier: "node:fs", line: 12 },
    ]);
  });
});
