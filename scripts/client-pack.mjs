#!/usr/bin/env node
/**
 * `npm run client:pack`: builds the typed client package, `dist/specline-client-<version>.tgz`.
 *
 *   1. JavaScript: lib/client/index.ts bundled by esbuild (ESM and CommonJS); the libraries it stands on
 *      (@trpc/client, superjson, eventsource) stay dependencies of the package.
 *   2. Declarations: one self-contained index.d.ts. The router's types are inlined from the app's sources
 *      (path aliases resolved), so the package needs nothing of the app; what they name of other libraries
 *      (@trpc/server, zod) stays an import of that library. Bundling declarations needs TypeScript's compiler
 *      API, which TypeScript 7 does not have: the bundler runs on TypeScript 5, installed as `typescript5`.
 *   3. A check that the declarations name no database client type and no app path (`@/…`).
 *   4. package.json, README and `npm pack`.
 *
 * Pass `--out <dir>` to write the tarball elsewhere.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const app = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const outIndex = process.argv.indexOf("--out");
const outDir = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : path.join(root, "dist"));
const work = path.join(root, "dist", "client-package");
const entry = path.join(root, "lib", "client", "index.ts");

/** The libraries the package's code and declarations import, at the versions the app runs with. */
const DEPENDENCIES = ["@trpc/client", "@trpc/server", "superjson", "eventsource", "zod"];

function versionRange(name) {
  const range = app.dependencies?.[name] ?? app.devDependencies?.[name];
  if (!range) throw new Error(`${name} is not a dependency of the app`);
  return range;
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// 1. JavaScript
const esbuild = await import("esbuild");
for (const [format, file] of [
  ["esm", "index.js"],
  ["cjs", "index.cjs"],
]) {
  await esbuild.build({
    entryPoints: [entry],
    outfile: path.join(work, file),
    bundle: true,
    format,
    platform: "neutral",
    target: "es2022",
    external: DEPENDENCIES,
    tsconfig: path.join(root, "tsconfig.json"),
    legalComments: "none",
    logLevel: "warning",
  });
}

// 2. Declarations, with TypeScript 5 standing in for `typescript` in this process.
const typescript5 = require.resolve("typescript5");
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "typescript" ? typescript5 : resolveFilename.call(this, request, ...rest);
};
const { generateDtsBundle } = require("dts-bundle-generator");
const [declarations] = generateDtsBundle(
  [{ filePath: entry, output: { noBanner: true, exportReferencedTypes: false } }],
  { preferredConfigPath: path.join(root, "tsconfig.json") },
);
Module._resolveFilename = resolveFilename;

// 3. Self-contained: no database client types, no app paths.
const leaks = [/@prisma\//, /\.prisma\//, /from ["']@\//, /import\(["']@\//, /from ["']\.{1,2}\//];
for (const leak of leaks) {
  const line = declarations.split("\n").find((l) => leak.test(l));
  if (line) {
    console.error(`client:pack: the declarations are not self-contained (${leak}):\n  ${line.trim()}`);
    process.exit(1);
  }
}
writeFileSync(path.join(work, "index.d.ts"), declarations);
writeFileSync(path.join(work, "index.d.cts"), declarations);

// 4. The package
const pkg = {
  name: "@specline/client",
  version: app.version,
  description: "Typed client for the Specline API: requirements, baselines, issues and trace links",
  license: app.license ?? "UNLICENSED",
  type: "module",
  main: "./index.cjs",
  module: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": {
      import: { types: "./index.d.ts", default: "./index.js" },
      require: { types: "./index.d.cts", default: "./index.cjs" },
    },
  },
  files: ["index.js", "index.cjs", "index.d.ts", "index.d.cts", "README.md"],
  engines: { node: ">=20" },
  sideEffects: false,
  dependencies: Object.fromEntries(DEPENDENCIES.map((name) => [name, versionRange(name)])),
};
writeFileSync(path.join(work, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
cpSync(path.join(root, "lib", "client", "README.md"), path.join(work, "README.md"));

mkdirSync(outDir, { recursive: true });
const packed = JSON.parse(
  execFileSync("npm", ["pack", "--json", "--pack-destination", outDir], { cwd: work, encoding: "utf8" }),
);
const tarball = path.join(outDir, packed[0].filename);
console.log(`client:pack: ${path.relative(process.cwd(), tarball)} (${packed[0].size} bytes)`);
