/**
 * Traces end to end: a process of its own (tests/helpers/traced-work.ts)
 * starts tracing before the app loads, as the server does, calls a
 * procedure, fetches, posts a webhook and sends a mail over SMTP; its spans
 * arrive at a local OTLP/HTTP receiver here. Checked: the procedure span and
 * its database queries in one trace, the outbound spans, the trace context
 * sent out, and that no attribute carries a secret or personal data.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import pkg from "@/package.json";

import { createUser, uniqueProjectKey } from "../helpers/factories";

/* ------------------------------------------------------------------ OTLP */

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: KeyValue[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** OTLP's SpanKind numbering. */
const SERVER = 2;
const CLIENT = 3;

function attributesOf(list: KeyValue[] = []): Record<string, string | number | boolean | undefined> {
  return Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.boolValue,
    ]),
  );
}

function listen(server: http.Server | net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

const exports: OtlpExport[] = [];
const exportPaths: string[] = [];
const collector = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => {
    body += chunk.toString();
  });
  req.on("end", () => {
    exportPaths.push(`${req.method} ${req.url} ${req.headers["content-type"]}`);
    exports.push(JSON.parse(body) as OtlpExport);
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});

/* ----------------------------------------------------- outbound targets */

const targetRequests: { url: string; traceparent?: string }[] = [];
const target = http.createServer((req, res) => {
  targetRequests.push({ url: req.url ?? "", traceparent: req.headers.traceparent as string | undefined });
  req.resume();
  req.on("end", () => res.writeHead(200).end("ok"));
});

/** Just enough SMTP for nodemailer: AUTH PLAIN, one message, QUIT. */
const smtpMessages: string[] = [];
const smtp = net.createServer((socket) => {
  let data: string | null = null;
  socket.write("220 sink ESMTP\r\n");
  let buffer = "";
  socket.on("data", (chunk) => {
    buffer += chunk.toString();
    for (let end = buffer.indexOf("\r\n"); end !== -1; end = buffer.indexOf("\r\n")) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data !== null) {
        if (line === ".") {
          smtpMessages.push(data);
          data = null;
          socket.write("250 queued\r\n");
        } else data += `${line}\n`;
        continue;
      }
      const verb = line.split(" ")[0]?.toUpperCase();
      if (verb === "EHLO") socket.write("250-sink\r\n250 AUTH PLAIN\r\n");
      else if (verb === "AUTH") socket.write("235 ok\r\n");
      else if (verb === "DATA") {
        data = "";
        socket.write("354 go on\r\n");
      } else if (verb === "QUIT") socket.end("221 bye\r\n");
      else socket.write("250 ok\r\n");
    }
  });
  socket.on("error", () => undefined);
});

/* ------------------------------------------------------------------ run */

const SMTP_PASSWORD = "smtp-password-secret";
let spans: (OtlpSpan & { attrs: ReturnType<typeof attributesOf> })[] = [];
let resource: ReturnType<typeof attributesOf> = {};
let user: Awaited<ReturnType<typeof createUser>>;
const key = uniqueProjectKey();

beforeAll(async () => {
  const [collectorPort, targetPort, smtpPort] = await Promise.all([listen(collector), listen(target), listen(smtp)]);
  user = await createUser({ name: "Traced Caller" });
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "../helpers/traced-work.ts")],
    {
      cwd: path.join(import.meta.dirname, "../.."),
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
        OTEL_SERVICE_NAME: undefined,
        OTEL_RESOURCE_ATTRIBUTES: undefined,
        // Every trace, not the default one in ten: the test reads the spans of one call.
        OTEL_TRACES_SAMPLER: "always_on",
        SMTP_URL: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${smtpPort}`,
        REDIS_URL: process.env.TEST_REDIS_URL,
        TRACED_USER_ID: user.id,
        TRACED_PROJECT_KEY: key,
        TRACED_TARGET_URL: `http://127.0.0.1:${targetPort}`,
        NODE_ENV: "test",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`traced work exited with ${code}:\n${output}`);
  resource = attributesOf(exports[0]?.resourceSpans[0]?.resource.attributes);
  spans = exports.flatMap((e) =>
    e.resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, attrs: attributesOf(span.attributes) }))),
    ),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([collector, target, smtp].map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("traces over OTLP", () => {
  it("arrive as OTLP/HTTP JSON with the service's resource", () => {
    expect(exportPaths.length).toBeGreaterThan(0);
    expect(exportPaths[0]).toBe("POST /v1/traces application/json");
    expect(resource["service.name"]).toBe("specline");
    expect(resource["service.version"]).toBe(pkg.version);
    expect(resource["service.instance.id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("nest the procedure's database queries under its span", () => {
    const procedure = spans.find((s) => s.attrs["rpc.method"] === "project.create");
    expect(procedure).toBeDefined();
    expect(procedure?.kind).toBe(SERVER);
    expect(procedure?.attrs["rpc.system"]).toBe("trpc");
    const queries = spans.filter((s) => s.attrs["db.system.name"] === "postgresql" && s.attrs["db.query.text"]);
    const inside = queries.filter((s) => s.traceId === procedure?.traceId);
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.some((s) => s.parentSpanId === procedure?.spanId)).toBe(true);
    expect(inside.some((s) => /INSERT INTO "public"."Project"/.test(String(s.attrs["db.query.text"])))).toBe(true);
    // Queries outside any request (the test's own setup ran in another process; the app's idle work) are not traced.
    expect(queries.every((s) => s.parentSpanId)).toBe(true);
  });

  it("records outbound fetches by origin and sends the trace context along", () => {
    const fetchSpan = spans.find((s) => s.kind === CLIENT && s.attrs["http.request.method"] === "GET");
    expect(fetchSpan?.attrs["url.full"]).toBe(`http://127.0.0.1:${(target.address() as AddressInfo).port}`);
    expect(fetchSpan?.attrs["http.response.status_code"]).toBe(200);
    expect(fetchSpan?.attrs["url.path"]).toBeUndefined();
    expect(fetchSpan?.attrs["url.query"]).toBeUndefined();
    const sent = targetRequests.find((r) => r.url.startsWith("/s3/"));
    expect(sent?.traceparent).toContain(fetchSpan?.traceId);
  });

  it("records webhook posts and SMTP sends as client spans", () => {
    const post = spans.find((s) => s.kind === CLIENT && s.name === "POST");
    expect(post?.attrs["url.full"]).toBe(`http://127.0.0.1:${(target.address() as AddressInfo).port}`);
    expect(post?.attrs["http.response.status_code"]).toBe(200);
    const mail = spans.find((s) => s.name === "smtp.send");
    expect(mail?.kind).toBe(CLIENT);
    expect(mail?.attrs["server.port"]).toBe((smtp.address() as AddressInfo).port);
    expect(mail?.attrs["network.protocol.name"]).toBe("smtp");
    expect(smtpMessages).toHaveLength(1);
  });

  it.runIf(Boolean(process.env.TEST_REDIS_URL))("records Redis commands by name only", () => {
    const procedure = spans.find((s) => s.attrs["rpc.method"] === "project.create");
    const commands = spans.filter((s) => s.attrs["db.system.name"] === "redis");
    // The rate limiter's call on the procedure's budget.
    expect(commands.some((s) => s.parentSpanId === procedure?.spanId && s.kind === CLIENT)).toBe(true);
    for (const command of commands) {
      expect(command.name).toMatch(/^[A-Z]+$/);
      expect(command.attrs["db.operation.name"]).toBe(command.name);
      expect(command.attrs["db.query.text"]).toBeUndefined();
    }
  });

  it("carry no secret, credential, address or parameter value", () => {
    const everything = JSON.stringify({
      resource,
      attributes: spans.map((s) => s.attrs),
      names: spans.map((s) => s.name),
    });
    for (const secret of [
      SMTP_PASSWORD,
      "mailer",
      "presigned-secret",
      "webhook-path-secret",
      "recipient@example.test",
      user.email,
      user.id,
      `Traced ${key}`,
      process.env.AUTH_SECRET ?? "test-secret",
      "cookie",
      "authorization",
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
  });
});
