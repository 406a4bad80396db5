#!/usr/bin/env node
/**
 * The raw baseline for the benchmark: node:http and a pg Pool (10
 * connections, as the app's adapter) answering each scenario's endpoints at
 * GET /<scenario>/<endpoint> with the same data as the tRPC procedure,
 * wrapped the way tRPC wraps it ({"result":{"data":{"json":…}}}). No
 * session, no router, no ORM: the floor the app is compared with.
 *
 * Timed one-shot operations (lib/oneshot.mjs) POST their parameters as a
 * JSON object; handlers get them as a third argument: (pool, state, params).
 *
 * Started by scripts/bench.mjs with DATABASE_URL, PORT, BENCH_SCENARIOS
 * (comma-separated) and BENCH_STATE (JSON: scenario → seed state).
 */
import { createServer } from "node:http";

import pg from "pg";

import { poolConfig } from "../../lib/database-url.mjs";
import { scenarios } from "./scenarios/index.mjs";

const names = (process.env.BENCH_SCENARIOS ?? "").split(",").filter(Boolean);
const state = JSON.parse(process.env.BENCH_STATE ?? "{}");
// The app's session settings (jit=off), so both sides ask PostgreSQL for the same work.
const pool = new pg.Pool({ ...poolConfig(process.env.DATABASE_URL), max: 10 });

const routes = new Map();
for (const scenario of scenarios.filter((s) => names.includes(s.name))) {
  for (const [endpoint, handler] of Object.entries(scenario.baseline ?? {})) {
    routes.set(`/${scenario.name}/${endpoint}`, (params) => handler(pool, state[scenario.name], params));
  }
}

async function readParams(req) {
  if (req.method !== "POST") return {};
  let body = "";
  for await (const chunk of req) body += chunk;
  return body ? JSON.parse(body) : {};
}

function send(res, status, body) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

const server = createServer(async (req, res) => {
  const pathname = req.url.split("?")[0];
  if (pathname === "/health") return send(res, 200, { status: "ok" });
  const route = routes.get(pathname);
  if (!route) return send(res, 404, { error: { message: "not found" } });
  try {
    send(res, 200, { result: { data: { json: await route(await readParams(req)) } } });
  } catch (err) {
    console.error(err);
    send(res, 500, { error: { message: "internal error" } });
  }
});
server.keepAliveTimeout = 5000;

server.listen(Number(process.env.PORT), "127.0.0.1", () => {
  console.log(`baseline listening on 127.0.0.1:${process.env.PORT} (${[...routes.keys()].join(", ")})`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close();
    // Exits whether or not the pool closes cleanly, so a rejection has nowhere to go.
    void pool.end().finally(() => process.exit(0));
  });
}
