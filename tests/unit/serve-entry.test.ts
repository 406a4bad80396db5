/**
 * scripts/serve.mjs, the production server entry, run over real sockets with
 * a stand-in for Next's standalone server.js that echoes what it received.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CLIENT_ADDRESS_HEADER, CLIENT_ADDRESS_STAMPED } from "@/server/auth/client-ip";
import { TRPC_NODE_HANDLER } from "@/server/http/node-bridge";

const entry = path.join(import.meta.dirname, "../../scripts/serve.mjs");

const STAND_IN = `
const http = require("node:http");
let registered = false;
const server = http.createServer((req, res) => {
  // As the tRPC endpoint does when it first loads: from then on the entry hands its requests over.
  if (!registered && req.url === "/register") {
    registered = true;
    globalThis[Symbol.for(${JSON.stringify(TRPC_NODE_HANDLER.description)})] = {
      matches: (url) => url.startsWith("/api/trpc/"),
      handle: (req, res) => res.end("carried " + req.url + " " + req.headers[${JSON.stringify(CLIENT_ADDRESS_HEADER)}]),
    };
    return res.end("registered");
  }
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/slow") return setTimeout(() => res.end("slow done"), Number(url.searchParams.get("ms")));
  if (url.pathname === "/stream") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const timer = setInterval(() => res.write("data: tick\\n\\n"), 20);
    res.on("close", () => clearInterval(timer));
    return;
  }
  if (url.pathname === "/api/ready") {
    return res.end(globalThis[Symbol.for("specline.shutdown")].draining ? "draining" : "ready");
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({
    header: req.headers[${JSON.stringify(CLIENT_ADDRESS_HEADER)}],
    distinct: req.headersDistinct[${JSON.stringify(CLIENT_ADDRESS_HEADER)}],
    raw: req.rawHeaders,
    forwarded: req.headers["x-forwarded-for"],
    marked: globalThis[Symbol.for("specline.clientAddressStamped")] === true,
  }));
});
// As server/http/shutdown.ts does: a hook for after the drain.
globalThis[Symbol.for("specline.shutdown")].hooks.push(async () => console.log("HOOK ran, draining=" + globalThis[Symbol.for("specline.shutdown")].draining));
server.listen(0, "127.0.0.1", () => console.log("PORT " + server.address().port));
`;

let dir: string;
let child: ChildProcess;
let port: number;

/** Runs serve.mjs over the stand-in; resolves with the child, its port and everything it printed so far. */
async function launch(env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, [path.join(dir, "serve.mjs")], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  const output = { text: "" };
  proc.stdout?.on("data", (d) => {
    output.text += String(d);
  });
  const listening = await new Promise<number>((resolve, reject) => {
    proc.stdout?.on("data", () => {
      const m = /PORT (\d+)/.exec(output.text);
      if (m) resolve(Number(m[1]));
    });
    proc.on("exit", (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
  return { proc, port: listening, output };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "specline-serve-"));
  copyFileSync(entry, path.join(dir, "serve.mjs"));
  writeFileSync(path.join(dir, "server.js"), STAND_IN);
  ({ proc: child, port } = await launch());
});

afterAll(() => {
  child?.kill();
  rmSync(dir, { recursive: true, force: true });
});

interface Echo {
  header: string;
  distinct: string[];
  raw: string[];
  forwarded?: string;
  marked: boolean;
}

function get(headers: http.OutgoingHttpHeaders, localAddress = "127.0.0.1"): Promise<Echo> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", headers, localAddress, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += String(d);
      });
      res.on("end", () => resolve(JSON.parse(body) as Echo));
    });
    req.on("error", reject);
  });
}

function text(pathname: string, localAddress = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: pathname, localAddress, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += String(d);
      });
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
  });
}

describe("the server entry", () => {
  it("uses the header name and process mark that client-ip.ts trusts", () => {
    const source = readFileSync(entry, "utf8");
    expect(source).toContain(`"${CLIENT_ADDRESS_HEADER}"`);
    expect(source).toContain(`Symbol.for("${CLIENT_ADDRESS_STAMPED.description}")`);
    expect(source).toContain(`Symbol.for("${TRPC_NODE_HANDLER.description}")`);
  });

  it("hands the tRPC endpoint to the app's own carrier once it is registered, stamped, and the rest to Next", async () => {
    const before = await text("/api/trpc/user.me");
    expect(JSON.parse(before)).toMatchObject({ marked: true });
    expect(await text("/register")).toBe("registered");
    expect(await text("/api/trpc/user.me", "127.0.0.31")).toBe("carried /api/trpc/user.me 127.0.0.31");
    expect(JSON.parse(await text("/projects"))).toMatchObject({ marked: true });
  });

  it("stamps the socket address on every request and marks the process", async () => {
    const echo = await get({}, "127.0.0.23");
    expect(echo).toMatchObject({ header: "127.0.0.23", distinct: ["127.0.0.23"], marked: true });
  });

  it("replaces a client's own values of the header, and leaves X-Forwarded-For alone", async () => {
    const echo = await get(
      { [CLIENT_ADDRESS_HEADER]: ["6.6.6.6", "7.7.7.7"], "x-forwarded-for": "8.8.8.8" },
      "127.0.0.24",
    );
    expect(echo.header).toBe("127.0.0.24");
    expect(echo.distinct).toEqual(["127.0.0.24"]);
    expect(echo.forwarded).toBe("8.8.8.8");
    const raw = echo.raw.filter((_, i) => i % 2 === 0 && echo.raw[i]?.toLowerCase() === CLIENT_ADDRESS_HEADER);
    expect(raw).toHaveLength(1);
    expect(echo.raw).not.toContain("6.6.6.6");
    expect(echo.raw).not.toContain("7.7.7.7");
  });
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(target: number, pathname: string, opts: { headers?: http.OutgoingHttpHeaders } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: target, path: pathname, headers: opts.headers }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += String(d);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/** Opens a live stream; resolves once the first event arrived, with a promise of how the stream ended. */
function openStream(target: number) {
  return new Promise<{ ended: Promise<string> }>((resolve, reject) => {
    const req = http.get(
      { host: "127.0.0.1", port: target, path: "/stream", headers: { accept: "text/event-stream" } },
      (res) => {
        const ended = new Promise<string>((done) => {
          res.on("error", () => done("error"));
          res.on("aborted", () => done("aborted"));
          res.on("close", () => done("closed"));
        });
        res.once("data", () => resolve({ ended }));
      },
    );
    req.on("error", reject);
  });
}

function exited(proc: ChildProcess) {
  return new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
}

describe("shutdown", () => {
  it("cuts live streams at once, refuses new requests unhandled, finishes those in flight, then runs the hooks and exits 0", async () => {
    const { proc, port: at, output } = await launch({ SHUTDOWN_TIMEOUT_MS: "10000" });
    const exit = exited(proc);
    const stream = await openStream(at);
    const keepAlive = new http.Agent({ keepAlive: true });
    const slow = new Promise<Answer>((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port: at, path: "/slow?ms=700", agent: keepAlive }, (res) => {
        let body = "";
        res.on("data", (d) => {
          body += String(d);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject);
    });
    await new Promise((r) => setTimeout(r, 100));
    const signalled = Date.now();
    proc.kill("SIGTERM");

    expect(await stream.ended).not.toBe("");
    expect(Date.now() - signalled).toBeLessThan(500);

    const refused = await request(at, "/projects");
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    expect(refused.headers.connection).toBe("close");
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "SERVICE_UNAVAILABLE" } });
    expect(output.text).not.toContain("HOOK ran");

    const ready = await request(at, "/api/ready");
    expect(ready).toMatchObject({ status: 200, body: "draining" });

    const finished = await slow;
    expect(finished).toMatchObject({ status: 200, body: "slow done" });
    expect(finished.headers.connection).toBe("close");
    keepAlive.destroy();

    expect(await exit).toBe(0);
    expect(output.text).toContain("HOOK ran, draining=true");
    const lines = output.text
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; streams?: number; cut?: number });
    expect(lines.find((l) => l.msg === "shutting down: draining")).toMatchObject({ streams: 1 });
    expect(lines.find((l) => l.msg === "shut down")).toMatchObject({ cut: 0 });
    await expect(request(at, "/")).rejects.toThrow(/ECONNREFUSED/);
  });

  it("cuts what is still running when SHUTDOWN_TIMEOUT_MS has passed", async () => {
    const { proc, port: at, output } = await launch({ SHUTDOWN_TIMEOUT_MS: "300" });
    const exit = exited(proc);
    const slow = request(at, "/slow?ms=20000");
    await new Promise((r) => setTimeout(r, 100));
    const signalled = Date.now();
    proc.kill("SIGTERM");
    await expect(slow).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await exit).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3000);
    expect(output.text).toContain('"cut":1');
    expect(output.text).toContain("HOOK ran");
  });
});
