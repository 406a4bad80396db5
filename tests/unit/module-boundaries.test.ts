/**
 * Which code may import what. Each rule names the folders it scans, the
 * files exempt from it and the import specifiers it forbids; the walker
 * reads every source file and matches its import, export-from, dynamic
 * import and require specifiers with regular expressions. Adding a rule is
 * one more entry in RULES.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const SKIPPED_DIRS = new Set(["node_modules", ".next", ".data"]);

interface ImportRule {
  name: string;
  /** Folders and files to scan, relative to the repository root. */
  scan: string[];
  /** Path prefixes (relative to the root, with "/") that the rule does not apply to. */
  exempt?: string[];
  forbids: (specifier: string) => boolean;
}

const isInngest = (s: string) => s === "inngest" || s.startsWith("inngest/") || s.startsWith("@inngest/");

const RULES: ImportRule[] = [
  {
    // Services, routers and the UI do not depend on the job runner; tests and scripts may (e.g. @inngest/test).
    name: "only server/jobs/ and the serve route import Inngest",
    scan: ["app", "components", "lib", "server", "prisma", "instrumentation.ts"],
    exempt: ["server/jobs/", "app/api/inngest/"],
    forbids: isInngest,
  },
];

/** Every source file under `entries` (folders or files relative to ROOT), as root-relative paths with "/". */
function sourceFiles(entries: string[]): string[] {
  const files: string[] = [];
  const visit = (rel: string) => {
    const abs = path.join(ROOT, rel);
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) {
        if (!SKIPPED_DIRS.has(name)) visit(path.posix.join(rel, name));
      }
    } else if (SOURCE_FILE.test(rel)) {
      files.push(rel);
    }
  };
  for (const entry of entries) visit(entry);
  return files;
}

const SPECIFIER_PATTERNS = [
  // import x from "m", import { x } from "m", export { x } from "m", export * from "m" (also across lines)
  /\b(?:import|export)\b[^;'"`]*?\bfrom\s*["']([^"']+)["']/g,
  // import "m"
  /\bimport\s*["']([^"']+)["']/g,
  // import("m"), require("m")
  /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** The module specifiers a source file imports, re-exports or requires. */
export function importSpecifiers(source: string): string[] {
  return SPECIFIER_PATTERNS.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]!));
}

/** "file: specifier" for each forbidden import in the files the rule covers. */
function violations(rule: ImportRule): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(rule.scan)) {
    if (rule.exempt?.some((prefix) => file.startsWith(prefix))) continue;
    for (const specifier of importSpecifiers(readFileSync(path.join(ROOT, file), "utf8"))) {
      if (rule.forbids(specifier)) found.push(`${file}: ${specifier}`);
    }
  }
  return found;
}

describe("module boundaries", () => {
  it("finds static, side-effect, re-export, dynamic and require specifiers", () => {
    const source = [
      'import { a } from "one";',
      "import type {\n  B,\n  C,\n} from 'two';",
      'import "three";',
      'export * from "four";',
      'const five = await import("five");',
      'const six = require( "six" );',
    ].join("\n");
    expect(importSpecifiers(source).sort()).toEqual(["five", "four", "one", "six", "three", "two"]);
  });

  for (const rule of RULES) {
    it(rule.name, () => {
      expect(violations(rule)).toEqual([]);
    });
  }
});
