#!/usr/bin/env node
/**
 * Summarises a V8 CPU profile of the app server by library: each sample is
 * charged to the nearest frame (from the leaf up) that belongs to a known
 * library, so e.g. node's HKDF under next-auth counts as "auth". Frames in
 * Next's bundled server chunks are mapped back to their sources with the
 * build's source maps (.next/server/**.map).
 *
 * Record profiles (one per measured app run, warm-up excluded):
 *   BENCH_CPU_PROFILE=/tmp/prof node scripts/bench.mjs foundation
 * then summarise one:
 *   node scripts/bench/profile-summary.mjs /tmp/prof/foundation-user.me.cpuprofile [--from s] [--to s]
 * --from / --to restrict the summary to a window (seconds since the
 * profile started).
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const GROUPS = [
  [/^(next-auth|jose|@panva\/hkdf|oauth|openid-client|cookie)$/, "auth: next-auth session (JWE decrypt/encrypt, HKDF)"],
  [/^(@trpc\/.*|superjson|zod|copy-anything|is-what)$/, "tRPC + superjson + zod"],
  [/^(@prisma\/client|\.prisma|wasm)$/, "Prisma client (+ query compiler wasm)"],
  [/^(@prisma\/adapter-pg|@prisma\/driver-adapter-utils|pg|pg-.*|postgres-.*)$/, "pg driver + Prisma adapter"],
  [/^app:/, "application code"],
  [/^(next|react|react-dom|@next\/.*|turbopack)$/, "Next.js (server, routing, request/response)"],
];

function parseArgs(argv) {
  const opts = { file: null, from: null, to: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--from") opts.from = Number(argv[++i]);
    else if (argv[i] === "--to") opts.to = Number(argv[++i]);
    else opts.file = argv[i];
  }
  return opts;
}

const maps = new Map();
function sourceMapFor(url) {
  if (maps.has(url)) return maps.get(url);
  let map = null;
  const file = url.replace(/^file:\/\//, "");
  // .next/standalone/.next/server/chunks/x.js ↔ .next/server/chunks/x.js.map
  const rel =
    file.split(`${path.sep}.next${path.sep}standalone${path.sep}.next${path.sep}`)[1] ??
    file.split(`${path.sep}.next${path.sep}`)[1];
  const mapFile = rel && path.join(root, ".next", `${rel}.map`);
  if (mapFile && existsSync(mapFile)) map = new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")));
  maps.set(url, map);
  return map;
}

/** The library a frame belongs to, or null for node core / native frames. */
function libraryOf(frame) {
  const { url } = frame;
  if (!url || url.startsWith("node:")) return null;
  if (url.startsWith("wasm://")) return "wasm";
  let source = url;
  if (url.includes(`${path.sep}.next${path.sep}server${path.sep}`)) {
    source = sourceMapFor(url)?.findEntry(frame.lineNumber, frame.columnNumber)?.originalSource ?? url;
  }
  source = decodeURIComponent(source);
  const pkg = source.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (source.includes("[turbopack]")) return "turbopack";
  return `app:${source}`;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts.file) {
    console.error("usage: node scripts/bench/profile-summary.mjs <file.cpuprofile> [--from s] [--to s]");
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(opts.file, "utf8"));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const memo = new Map();
  const groupOf = (id) => {
    if (memo.has(id)) return memo.get(id);
    let group = null;
    for (let cur = id; cur !== undefined && !group; cur = parent.get(cur)) {
      const lib = libraryOf(nodes.get(cur).callFrame);
      if (lib) group = GROUPS.find(([re]) => re.test(lib))?.[1] ?? `other: ${lib}`;
    }
    if (!group) {
      const leaf = nodes.get(id).callFrame.functionName;
      group =
        { "(idle)": "idle", "(garbage collector)": "garbage collection", "(program)": "V8 (program)" }[leaf] ??
        "node core (no library on the stack)";
    }
    memo.set(id, group);
    return group;
  };

  const from = opts.from === null ? -Infinity : profile.startTime + opts.from * 1e6;
  const to = opts.to === null ? Infinity : profile.startTime + opts.to * 1e6;
  const totals = new Map();
  let busy = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    if (t < from || t > to) return;
    const group = groupOf(id);
    totals.set(group, (totals.get(group) ?? 0) + 1);
    if (group !== "idle") busy++;
  });

  const span = (profile.endTime - profile.startTime) / 1e6;
  console.log(
    `${path.basename(opts.file)}: ${span.toFixed(1)}s profiled, ${busy} busy samples${opts.from !== null || opts.to !== null ? ` in [${opts.from ?? 0}s, ${opts.to ?? span.toFixed(1)}s]` : ""}`,
  );
  for (const [group, count] of [...totals].sort((a, b) => b[1] - a[1])) {
    if (group === "idle" || count / busy < 0.002) continue;
    console.log(`${((100 * count) / busy).toFixed(1).padStart(6)}%  ${group}`);
  }
}

main();
