#!/usr/bin/env node
/**
 * The raw baseline of `npm run bench:live`: a bare node:http server-sent-event
 * server, the least that holding the same streams and fanning the same events
 * out can cost. No session, no database, no framework.
 *
 *   GET <any path>  a stream: `event: connected`, then a `notifications` message
 *                   (as live.events sends them), then every event, and
 *                   `event: ping` every 15 s (as the app's streams do).
 *   POST /emit      { id, data }: writes `data: <JSON of data>` and `id: <id>` to every
 *                   open stream, then answers { sent }.
 *   GET /health
 * Env: PORT.
 */
import http from "node:http";

const PING_MS = 15_000;
const streams = new Set();

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  if (req.method === "POST" && req.url === "/emit") {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const { id, data } = JSON.parse(body);
      const text = `data: ${JSON.stringify(data)}\nid: ${id}\n\n`;
      for (const stream of streams) stream.write(text);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sent: streams.size }));
    });
    return;
  }
  if (req.method !== "GET") {
    res.writeHead(405).end();
    return;
  }
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
  });
  res.write('event: connected\ndata: {"reconnectAfterInactivityMs":40000}\n\n');
  res.write('data: {"json":{"kind":"notifications","unread":0}}\n\n');
  streams.add(res);
  res.on("close", () => streams.delete(res));
});

setInterval(() => {
  for (const stream of streams) stream.write("event: ping\ndata: \n\n");
}, PING_MS).unref();

server.listen(Number(process.env.PORT), "127.0.0.1");
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
