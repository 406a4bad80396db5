#!/usr/bin/env node
/**
 * The load side of `npm run bench:live` (scripts/bench/live.mjs), in a
 * process of its own so that its CPU and memory are counted apart from the
 * server's. It holds thousands of server-sent-event streams open and
 * records, for every change it receives, on which stream and when
 * (`Date.now()`, the clock the benchmark stamps commits with).
 *
 * Controlled over loopback HTTP, JSON in and out:
 *   POST /open  { group, port, path, cookies, perCookie, count, concurrency, timeoutMs }
 *               opens `count` streams (stream i sends cookies[floor(i / perCookie)]), at most
 *               `concurrency` opening at once; each counts as open when its first
 *               `notifications` message arrived. Answers when all are open or failed.
 *   POST /wait  { group, keys, known, timeoutMs, stallMs }
 *               answers once every stream of the group has received each of `keys` (or at
 *               the timeout, or when nothing arrived for `stallMs`) with, per key, how many streams received it, duplicates, and
 *               the first, median and last receive time; `known` lists every key the group
 *               may see, the others it received are reported as unexpected (with how
 *               many streams received each).
 *   POST /close { group }   closes the group's streams.
 *   GET  /stats             this process's RSS and CPU time, and each group's stream counts.
 * Prints `listening <port>` when ready. A stream that ends, fails or says
 * `resync` is counted: the benchmark treats it as a failure.
 */
import http from "node:http";

/** name → group */
const groups = new Map();
/** Parsed `data:` lines: every stream receives the same bytes for an event, so each is parsed once. */
const parsed = new Map();
const PARSED_MAX = 512;

function parseData(line) {
  let message = parsed.get(line);
  if (message === undefined) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    try {
      message = JSON.parse(line)?.json ?? null;
    } catch {
      message = null;
    }
    parsed.set(line, message);
  }
  return message;
}

function newGroup(name, size) {
  return {
    name,
    size,
    streams: [],
    records: new Map(),
    opened: 0,
    failedOpens: 0,
    openErrors: [],
    ended: 0,
    endErrors: [],
    resyncs: 0,
    serverErrors: [],
    otherMessages: 0,
    lastRecordAt: 0,
    closing: false,
  };
}

function record(group, index, key, now) {
  let r = group.records.get(key);
  if (!r) {
    r = { times: new Float64Array(group.size), received: 0, duplicates: 0 };
    group.records.set(key, r);
  }
  group.lastRecordAt = now;
  if (r.times[index] !== 0) r.duplicates++;
  else {
    r.times[index] = now;
    r.received++;
  }
}

function onLine(group, stream, line, now) {
  if (line === "") {
    stream.event = null;
    return;
  }
  if (line.startsWith("event: ")) {
    stream.event = line.slice(7);
    return;
  }
  if (!line.startsWith("data: ")) return;
  if (stream.event === "serialized-error") {
    const error = `server error event: ${line.slice(6, 400)}`;
    if (!stream.ready) stream.fail(new Error(error));
    else if (group.serverErrors.length < 5) group.serverErrors.push(error);
    return;
  }
  if (stream.event !== null) return; // connected, ping, return
  const message = parseData(line.slice(6));
  if (!message) return;
  if (message.kind === "change") record(group, stream.index, message.key, now);
  else if (message.kind === "notifications" && !stream.ready) {
    stream.ready = true;
    stream.done();
  } else if (message.kind === "resync") group.resyncs++;
  else group.otherMessages++;
}

function onChunk(group, stream, chunk) {
  const now = Date.now();
  const text = stream.partial + chunk;
  let start = 0;
  for (let nl = text.indexOf("\n", start); nl !== -1; nl = text.indexOf("\n", start)) {
    onLine(group, stream, text.slice(start, nl), now);
    start = nl + 1;
  }
  stream.partial = start < text.length ? text.slice(start) : "";
}

/** Opens stream `index` of `group`; resolves once its first notifications message arrived. */
function openStream(group, index, { port, path, cookie, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const stream = { index, partial: "", event: null, ready: false, req: null, res: null };
    let settled = false;
    const timer = setTimeout(() => stream.fail(new Error(`no first message within ${timeoutMs} ms`)), timeoutMs);
    stream.done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(stream);
    };
    stream.fail = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.req.destroy();
      reject(err);
    };
    const req = http.request({
      host: "127.0.0.1",
      port,
      path,
      method: "GET",
      agent: false,
      headers: { cookie, accept: "text/event-stream", "cache-control": "no-cache" },
    });
    stream.req = req;
    req.on("response", (res) => {
      stream.res = res;
      res.setEncoding("utf8");
      if (res.statusCode !== 200) {
        let body = "";
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => stream.fail(new Error(`HTTP ${res.statusCode}: ${body.slice(0, 300)}`)));
        return;
      }
      res.on("data", (chunk) => onChunk(group, stream, chunk));
      res.on("close", () => {
        if (!stream.ready) stream.fail(new Error("closed before its first message"));
        else if (!group.closing && !stream.closed) {
          group.ended++;
          if (group.endErrors.length < 5) group.endErrors.push(`stream ${index} ended`);
        }
      });
    });
    req.on("error", (err) => {
      if (!stream.ready) stream.fail(err);
      else if (!group.closing && !stream.closed) {
        group.ended++;
        if (group.endErrors.length < 5) group.endErrors.push(`stream ${index}: ${err.code ?? err.message}`);
      }
    });
    req.end();
  });
}

async function open({ group: name, port, path, cookies, perCookie, count, concurrency, timeoutMs, attempts = 3 }) {
  if (groups.has(name)) throw new Error(`group ${name} exists`);
  const group = newGroup(name, count);
  groups.set(name, group);
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const cookie = cookies[Math.min(cookies.length - 1, Math.floor(i / perCookie))];
      for (let attempt = 1; ; attempt++) {
        try {
          group.streams[i] = await openStream(group, i, { port, path, cookie, timeoutMs });
          group.opened++;
          break;
        } catch (err) {
          if (group.openErrors.length < 10) group.openErrors.push(`stream ${i}, attempt ${attempt}: ${err.message}`);
          if (attempt >= attempts) {
            group.failedOpens++;
            break;
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { opened: group.opened, failed: group.failedOpens, errors: group.openErrors, ms: Date.now() - started };
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function health(group) {
  return {
    size: group.size,
    opened: group.opened,
    failedOpens: group.failedOpens,
    ended: group.ended,
    endErrors: group.endErrors,
    resyncs: group.resyncs,
    serverErrors: group.serverErrors,
    otherMessages: group.otherMessages,
  };
}

async function wait({ group: name, keys, known = keys, timeoutMs, stallMs = timeoutMs }) {
  const group = groups.get(name);
  if (!group) throw new Error(`no group ${name}`);
  const started = Date.now();
  const complete = () => keys.every((k) => group.records.get(k)?.received === group.size);
  const waiting = () => {
    const now = Date.now();
    return now - started < timeoutMs && now - Math.max(started, group.lastRecordAt) < stallMs;
  };
  while (!complete() && waiting()) await new Promise((r) => setTimeout(r, 25));
  const events = {};
  for (const key of keys) {
    const r = group.records.get(key);
    if (!r) {
      events[key] = { received: 0, duplicates: 0, missing: group.size, firstAt: null, medianAt: null, lastAt: null };
      continue;
    }
    const times = Array.from(r.times)
      .filter((t) => t !== 0)
      .sort((a, b) => a - b);
    events[key] = {
      received: r.received,
      duplicates: r.duplicates,
      missing: group.size - r.received,
      firstAt: times[0] ?? null,
      medianAt: percentile(times, 50),
      lastAt: times[times.length - 1] ?? null,
    };
  }
  const knownSet = new Set(known);
  const unexpected = [...group.records]
    .filter(([k]) => !knownSet.has(k))
    .map(([key, r]) => ({ key, received: r.received, duplicates: r.duplicates, lastAt: Math.max(...r.times) }));
  return { complete: complete(), events, unexpected, ...health(group) };
}

function close({ group: name }) {
  const group = groups.get(name);
  if (!group) return { closed: 0 };
  group.closing = true;
  let closed = 0;
  for (const stream of group.streams) {
    if (!stream) continue;
    stream.closed = true;
    stream.req.destroy();
    closed++;
  }
  groups.delete(name);
  parsed.clear();
  return { closed, ...health(group) };
}

function stats() {
  const cpu = process.cpuUsage();
  return {
    rssBytes: process.memoryUsage().rss,
    cpuMs: (cpu.user + cpu.system) / 1000,
    groups: Object.fromEntries([...groups].map(([name, g]) => [name, health(g)])),
  };
}

const routes = { "POST /open": open, "POST /wait": wait, "POST /close": close, "GET /stats": stats };

const server = http.createServer(async (req, res) => {
  const route = routes[`${req.method} ${req.url}`];
  let body = "";
  for await (const chunk of req) body += chunk;
  try {
    if (!route) throw new Error(`no route ${req.method} ${req.url}`);
    const result = await route(body ? JSON.parse(body) : {});
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
  } catch (err) {
    res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: err.message }));
  }
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
