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
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({
    header: req.headers[${JSON.stringify(CLIENT_ADDRESS_HEADER)}],
    distinct: req.headersDistinct[${JSON.stringify(CLIENT_ADDRESS_HEADER)}],
    raw: req.rawHeaders,
    forwarded: req.headers["x-forwarded-for"],
    marked: globalThis[Symbol.for("specline.clientAddressStamped")] === true,
  }));
});
server.listen(0, "127.0.0.1", () => console.log("PORT " + server.address().port));
`;

let dir: string;
let child: ChildProcess;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "specline-serve-"));
  copyFileSync(entry, path.join(dir, "serve.mjs"));
  writeFileSync(path.join(dir, "server.js"), STAND_IN);
  child = spawn(process.execPath, [path.join(dir, "serve.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d) => {
      out += String(d);
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
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
