#!/usr/bin/env node
/**
 * Rolling restart: two instances of the production server behind the
 * compose proxy (nginx with deploy/nginx.conf) are restarted one after the
 * other while clients keep working through the proxy — and not one request
 * fails.
 *
 * The proxy runs the repository's deploy/nginx.conf with only what differs
 * outside Docker changed: the replicas' addresses (loopback ports instead of
 * Docker's DNS names, so no resolver), the listening port, the pid, log and
 * temporary paths, no `user`, and one header naming the replica that
 * answered. Every rule that matters here (passing refused requests on,
 * keep-alive to the replicas, the event-stream location) is the file's own.
 *
 * Both instances run `node scripts/start.mjs` (as `npm start` does) against
 * one throwaway database on the PostgreSQL server and the Redis at
 * REDIS_URL (default the local one), with the dispatcher on in both. While
 * 8 clients read and write (user.me, issue.list, issue.create) and one live
 * stream follows the project through the proxy, each instance in turn gets
 * SIGTERM, drains and exits, and is started again; the next one goes once
 * it is ready. Then:
 *
 *   - every request answered 200 (none failed, none refused);
 *   - both instances served requests, and while one was down the other
 *     served everything;
 *   - each stopping instance exited 0 after cutting nothing
 *     (`"cut":0` in its "shut down" line) within SHUTDOWN_TIMEOUT_MS;
 *   - each stopping instance left no outbox event leased behind it;
 *   - every issue created was acknowledged once and is in the database;
 *   - the live stream was cut by each restart, reconnected through the
 *     proxy with its last event id, and received the change of every
 *     issue created, none twice.
 *
 * Needs the production build (start.mjs builds when it is missing or stale)
 * and nginx (`apt-get install nginx-light`).
 *
 * Env: PG_ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
 *      REDIS_URL (default redis://127.0.0.1:6379), NGINX (the binary),
 *      ROLLING_VERBOSE=1 (echo the servers' output).
 * Exit code 0 when every check passes, 1 otherwise.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";

import { UNREACHED_BUDGETS, waitFor } from "./bench/lib/app.mjs";
import { createChecks } from "./bench/lib/checks.mjs";
import { registerUser, request, signIn } from "./bench/lib/http.mjs";
import { freePort, isRunning, killAll, sleep, startProcess, stopProcess } from "./bench/lib/process.mjs";
import { migrate } from "./run.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const verbose = process.env.ROLLING_VERBOSE === "1";
const adminUrl = process.env.PG_ADMIN_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const CLIENTS = 8;
const SHUTDOWN_TIMEOUT_MS = 20_000;
const OVERALL_TIMEOUT_MS = 15 * 60_000;

const { log, check, failures } = createChecks("check-rolling-restart");

/* ------------------------------------------------------------- the proxy */

function nginxBinary() {
  const candidates = [process.env.NGINX, "/usr/sbin/nginx", "/usr/local/sbin/nginx"].filter(Boolean);
  for (const bin of candidates) if (existsSync(bin)) return bin;
  try {
    return execFileSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("nginx not found: install it (apt-get install nginx-light) or set NGINX");
  }
}

/** deploy/nginx.conf, pointed at loopback ports and a folder of its own. */
export function proxyConfig(source, { dir, listenPort, upstreams }) {
  let conf = source;
  const replace = (pattern, replacement, what) => {
    const next = conf.replace(pattern, replacement);
    if (next === conf) throw new Error(`deploy/nginx.conf changed: could not adapt ${what}`);
    conf = next;
  };
  replace(/^user\s+\S+;\n/m, "", "the user");
  replace(
    /^error_log\s+[^;]+;/m,
    `error_log ${dir}/error.log notice;\npid ${dir}/nginx.pid;\ndaemon off;`,
    "error_log",
  );
  replace(
    /^\s*access_log\s+[^;]+;/m,
    `    access_log off;\n    client_body_temp_path ${dir}/body;\n    proxy_temp_path ${dir}/proxy;\n    fastcgi_temp_path ${dir}/fastcgi;\n    uwsgi_temp_path ${dir}/uwsgi;\n    scgi_temp_path ${dir}/scgi;`,
    "access_log",
  );
  replace(/^\s*resolver\s+[^;]+;\n/m, "", "the resolver");
  let n = 0;
  conf = conf.replace(/^(\s*)server\s+app-\d+:3000\s+resolve\s*([^;]*);/gm, (_m, indent, params) => {
    const port = upstreams[n++];
    return `${indent}server 127.0.0.1:${port} ${params};`.replace(/ ;$/, ";");
  });
  if (n !== upstreams.length) throw new Error(`deploy/nginx.conf names ${n} replicas, expected ${upstreams.length}`);
  replace(
    /listen\s+8080;/,
    `listen 127.0.0.1:${listenPort};\n        add_header X-Replica $upstream_addr always;`,
    "listen",
  );
  return conf;
}

/* ---------------------------------------------------------------- load */

function trpcGet(procedure, input) {
  return `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
}

/** Clients going round: a read, another read, a write. Every answer is kept. */
function startClients(base, cookie, projectKey) {
  const results = [];
  let stopping = false;
  const call = async (kind, url, init) => {
    const started = Date.now();
    const entry = { kind, started, ms: 0, status: 0, code: null, replica: null, key: null, title: null };
    try {
      const res = await request(`${base}${url}`, { ...init, timeoutMs: 30_000 });
      entry.status = res.status;
      entry.replica = res.headers.get("x-replica");
      entry.code = res.json?.error?.json?.data?.code ?? res.json?.error?.code ?? null;
      entry.key = res.json?.result?.data?.json?.key ?? null;
    } catch (err) {
      entry.status = -1;
      entry.code = err.cause?.code ?? err.name ?? err.message;
    }
    entry.ms = Date.now() - started;
    results.push(entry);
    return entry;
  };
  const client = async (c) => {
    for (let n = 0; !stopping; n++) {
      if (n % 3 === 0) {
        await call("read", trpcGet("user.me"), { headers: { cookie } });
      } else if (n % 3 === 1) {
        await call("read", trpcGet("issue.list", { projectKey, limit: 20 }), { headers: { cookie } });
      } else {
        const title = `Rolling ${c}-${n} ${randomBytes(3).toString("hex")}`;
        const entry = await call("write", "/api/trpc/issue.create", {
          method: "POST",
          headers: { "content-type": "application/json", cookie },
          body: JSON.stringify({ json: { projectKey, title, description: "Filed during a rolling restart." } }),
        });
        entry.title = title;
      }
      await sleep(10);
    }
  };
  const all = Array.from({ length: CLIENTS }, (_, c) => client(c));
  return {
    results,
    stop: async () => {
      stopping = true;
      await Promise.all(all);
    },
  };
}

/**
 * Follows `live.events` for a project as a browser's EventSource would:
 * reconnects when the stream ends, sending the last event id it saw.
 */
function followLive(base, cookie, projectKey) {
  const changes = [];
  const connections = [];
  let lastId = null;
  let stopping = false;
  const controller = new AbortController();
  const url = `${base}/api/trpc/live.events?input=${encodeURIComponent(JSON.stringify({ json: { projectKey } }))}`;
  const loop = (async () => {
    while (!stopping) {
      const connection = { at: Date.now(), status: 0, replica: null, lastIdSent: lastId, ended: null };
      connections.push(connection);
      try {
        const res = await fetch(url, {
          headers: { cookie, accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) },
          signal: controller.signal,
        });
        connection.status = res.status;
        connection.replica = res.headers.get("x-replica");
        if (res.status !== 200 || !res.body) {
          await res.body?.cancel();
          await sleep(250);
          continue;
        }
        const decoder = new TextDecoder();
        let buffer = "";
        for await (const chunk of res.body) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf("\n\n");
          while (end !== -1) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let data = null;
            let id = null;
            for (const line of frame.split("\n")) {
              if (line.startsWith("data: ")) data = line.slice(6);
              else if (line.startsWith("id: ")) id = line.slice(4);
            }
            if (id) lastId = id;
            if (data) {
              try {
                const message = JSON.parse(data)?.json;
                if (message?.kind === "change") changes.push(message);
              } catch {
                /* a ping or the connected event */
              }
            }
            end = buffer.indexOf("\n\n");
          }
        }
        connection.ended = "end";
      } catch (err) {
        connection.ended = err.name === "AbortError" ? "stopped" : (err.cause?.code ?? err.message);
      }
      // EventSource's default reconnection delay is a few seconds; the app's pages use less.
      if (!stopping) await sleep(200);
    }
  })();
  return {
    changes,
    connections,
    stop: async () => {
      stopping = true;
      controller.abort();
      await loop;
    },
  };
}

/* ------------------------------------------------------------- instances */

function startInstance(env, name) {
  return startProcess(process.execPath, ["scripts/start.mjs"], { cwd: root, env, name, verbose });
}

/* ---------------------------------------------------------------- main */

async function main() {
  const cleanups = [];
  const overall = setTimeout(() => {
    log(`FAIL the whole check took longer than ${OVERALL_TIMEOUT_MS / 60_000} minutes`);
    killAll();
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  const dir = mkdtempSync(path.join(os.tmpdir(), "specline-rolling-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  try {
    const nginx = nginxBinary();
    const dbName = `specline_rolling_${Date.now()}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName}"`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
      await admin.end();
    });
    const dbUrl = new URL(adminUrl);
    dbUrl.pathname = `/${dbName}`;
    log(`database ${dbName}: applying migrations`);
    await migrate(dbUrl.toString());

    const ports = [await freePort(), await freePort()];
    const proxyPort = await freePort();
    const base = `http://127.0.0.1:${proxyPort}`;
    const dataDir = path.join(dir, "data");
    mkdirSync(dataDir);
    const shared = {
      ...process.env,
      ...UNREACHED_BUDGETS,
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      APP_URL: base,
      // The proxy is the one hop in front.
      TRUSTED_PROXIES: "1",
      DATA_DIR: dataDir,
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      HOSTNAME_BIND: "127.0.0.1",
    };
    const envOf = (i) => ({ ...shared, PORT: String(ports[i]) });
    const instances = [];
    for (const i of [0, 1]) {
      instances[i] = startInstance(envOf(i), `app-${i + 1}`);
      await waitFor(`http://127.0.0.1:${ports[i]}/api/ready`, {
        child: instances[i],
        timeoutMs: 900_000,
        what: `app-${i + 1} ready`,
      });
      log(`app-${i + 1} ready on port ${ports[i]}`);
    }
    cleanups.push(async () => {
      for (const instance of instances) if (instance && isRunning(instance)) await stopProcess(instance);
    });

    const conf = proxyConfig(readFileSync(path.join(root, "deploy/nginx.conf"), "utf8"), {
      dir,
      listenPort: proxyPort,
      upstreams: ports,
    });
    writeFileSync(path.join(dir, "nginx.conf"), conf);
    const proxy = startProcess(nginx, ["-p", dir, "-c", path.join(dir, "nginx.conf")], {
      cwd: dir,
      env: process.env,
      name: "nginx",
      verbose,
    });
    cleanups.push(() => stopProcess(proxy));
    await waitFor(`${base}/api/health`, { child: proxy, timeoutMs: 10_000, what: "the proxy" });
    log(`proxy (deploy/nginx.conf) on ${base}`);

    const owner = {
      email: `rolling-${randomBytes(4).toString("hex")}@example.com`,
      name: "Rolling Owner",
      password: `Rolling-${randomBytes(12).toString("base64url")}`,
    };
    await registerUser(base, owner);
    const cookie = await signIn(base, owner);
    const created = await request(`${base}/api/trpc/project.create`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ json: { key: "ROLL", name: "Rolling restart" } }),
    });
    if (created.status !== 200) throw new Error(`project.create answered ${created.status}: ${created.text}`);

    const live = followLive(base, cookie, "ROLL");
    const load = startClients(base, cookie, "ROLL");
    await sleep(3_000);

    const windows = [];
    for (const i of [0, 1]) {
      const name = `app-${i + 1}`;
      const stopAt = Date.now();
      log(`SIGTERM to ${name}`);
      // As an orchestrator does: to the process it started (start.mjs passes it on to the server).
      process.kill(instances[i].pid, "SIGTERM");
      const { code, signal } = await instances[i].exited;
      const exitAt = Date.now();
      const output = instances[i].output;
      const shutDown = /\{[^\n]*"msg":"shut down"[^\n]*\}/.exec(output)?.[0];
      const draining = /\{[^\n]*"msg":"shutting down: draining"[^\n]*\}/.exec(output)?.[0];
      log(`${name} exited (${signal ?? `code ${code}`}) after ${exitAt - stopAt} ms: ${draining} ${shutDown}`);
      check(code === 0, `${name} exited 0 on SIGTERM (got ${signal ?? code})`);
      check(
        exitAt - stopAt < SHUTDOWN_TIMEOUT_MS,
        `${name} drained within SHUTDOWN_TIMEOUT_MS (${exitAt - stopAt} ms)`,
      );
      check(shutDown !== undefined && /"cut":0/.test(shutDown), `${name} cut no request (${shutDown ?? "no line"})`);
      const stopped = /\{[^\n]*"msg":"outbox dispatcher stopped"[^\n]*\}/.exec(output)?.[0];
      const owner = stopped ? JSON.parse(stopped).owner : null;
      const held = owner ? await leasedBy(dbUrl.toString(), owner) : null;
      check(
        held === 0,
        `${name}'s dispatcher stopped and left no outbox event leased (${stopped ?? "no line"}; ${held} still leased)`,
      );
      await sleep(1_000);
      const downUntil = Date.now();
      instances[i] = startInstance(envOf(i), name);
      await waitFor(`http://127.0.0.1:${ports[i]}/api/ready`, {
        child: instances[i],
        timeoutMs: 120_000,
        what: `${name} ready again`,
      });
      const readyAt = Date.now();
      log(`${name} ready again ${readyAt - downUntil} ms after starting`);
      windows.push({ port: ports[i], from: exitAt, to: downUntil });
      await sleep(4_000);
    }

    await sleep(2_000);
    await load.stop();
    // The last changes reach the stream within a poll or two.
    await sleep(3_000);
    await live.stop();

    const results = load.results;
    const byStatus = {};
    for (const e of results) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
    const failed = results.filter((e) => e.status !== 200);
    log(`${results.length} requests through the proxy: ${JSON.stringify(byStatus)}`);
    check(
      failed.length === 0,
      `no request failed during the rolling restart (${failed.length} of ${results.length}${
        failed.length ? `: ${JSON.stringify(failed.slice(0, 5).map((e) => [e.kind, e.status, e.code, e.ms]))}` : ""
      })`,
    );
    check(results.length >= 500, `the clients kept the instances busy (${results.length} requests)`);
    for (const [i, port] of ports.entries()) {
      const served = results.filter((e) => e.replica === `127.0.0.1:${port}`).length;
      check(served > 0, `app-${i + 1} served requests (${served})`);
    }
    for (const window of windows) {
      const during = results.filter((e) => e.started >= window.from && e.started + e.ms <= window.to);
      const wrong = during.filter((e) => e.replica === `127.0.0.1:${window.port}`).length;
      check(
        during.length > 0 && wrong === 0,
        `while port ${window.port} was down, the other instance served all ${during.length} requests`,
      );
    }

    const writes = results.filter((e) => e.kind === "write" && e.status === 200);
    const issues = new pg.Client({ connectionString: dbUrl.toString() });
    await issues.connect();
    const { rows } = await issues.query(`SELECT key, title FROM "Issue"`).finally(() => issues.end());
    const stored = new Map(rows.map((r) => [r.title, r.key]));
    const missing = writes.filter((e) => stored.get(e.title) !== e.key);
    const titles = new Set(writes.map((e) => e.title));
    check(
      missing.length === 0 && rows.length === titles.size,
      `every acknowledged issue is stored once (${writes.length} acknowledged, ${rows.length} stored, ${missing.length} missing)`,
    );

    const issueChanges = live.changes.filter((m) => m.type === "issue.created");
    const seen = new Map();
    for (const m of issueChanges) seen.set(m.key, (seen.get(m.key) ?? 0) + 1);
    const unseen = writes.filter((e) => !seen.has(e.key));
    const twice = [...seen.values()].filter((n) => n > 1).length;
    const reconnects = live.connections.filter((c) => c.lastIdSent !== null);
    log(
      `live stream: ${live.connections.length} connections (${live.connections
        .map((c) => `${c.status}@${c.replica ?? "-"}:${c.ended}`)
        .join(", ")}), ${issueChanges.length} issue changes`,
    );
    check(
      reconnects.length >= 2 && reconnects.every((c) => c.status === 200),
      `the live stream was cut by each restart and reconnected with its last event id (${reconnects.length} reconnections)`,
    );
    check(
      unseen.length === 0 && twice === 0,
      `the live stream received every created issue once (${unseen.length} missed, ${twice} twice)`,
    );
  } catch (err) {
    log(`FAIL ${err.stack ?? err}`);
    failures.push(String(err.message ?? err));
  } finally {
    clearTimeout(overall);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
  if (failures.length) {
    log(`FAILED: ${failures.length} check(s)`);
    process.exit(1);
  }
  log("PASSED: two instances restarted one by one behind the proxy without a failed request");
  process.exit(0);
}

/** Outbox events not yet dispatched that `owner` holds a running lease on. */
async function leasedBy(url, owner) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM "OutboxEvent"
       WHERE "leasedBy" = $1 AND "dispatchedAt" IS NULL AND "leaseUntil" > now()`,
      [owner],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

await main();
