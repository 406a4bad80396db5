/**
 * The process's one logger (pino): a JSON line per event on stdout, at LOG_LEVEL and above. Every line
 * carries the requestId and userId of the request it was written for (request-context.ts), so a service
 * logs with `log.warn({ ... }, "message")` and nothing else to plumb. Secrets are redacted by key at
 * any depth pino can express, and callers never pass raw headers in the first place.
 *
 * In development, on a terminal, lines are pretty-printed by pino-pretty as a synchronous stream (a
 * worker-thread transport does not survive Next's bundling). pino-pretty is a devDependency, loaded only
 * then, so a production image without it is never asked for it.
 */
import { createRequire } from "node:module";
import path from "node:path";

import pino, { type DestinationStream, type Logger } from "pino";

import { getEnv } from "@/lib/env.mjs";
import { currentRequestContext } from "@/server/observability/request-context";

const SECRET_KEYS = [
  "password",
  "passwordHash",
  "currentPassword",
  "newPassword",
  "token",
  "secret",
  "authorization",
  "cookie",
  "set-cookie",
  "totpSecret",
  "apiKey",
];

/** `key`, `*.key` and `*.*.key` for every secret key, plus the header shapes a request or response has. */
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((key) => {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const dotted = k.startsWith("[") ? k : `.${k}`;
    return [k, `*${dotted}`, `*.*${dotted}`];
  }),
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
];

function prettyStream(): DestinationStream | undefined {
  if (process.env.NODE_ENV !== "development" || !process.stdout.isTTY) return undefined;
  try {
    // Resolved from the app's own directory at run time, out of the bundler's sight.
    const load = createRequire(path.join(process.cwd(), "package.json"));
    const pretty = load("pino-pretty") as (opts: Record<string, unknown>) => DestinationStream;
    return pretty({ sync: true, colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  } catch {
    return undefined;
  }
}

/** The request id and user of the code running now, on every line of `log`. */
function contextFields(): Record<string, string> {
  const context = currentRequestContext();
  if (!context) return {};
  return context.userId ? { requestId: context.requestId, userId: context.userId } : { requestId: context.requestId };
}

/**
 * `log` redacts and stamps each line with the running request's ids; the request line's logger does
 * neither, since its caller passes exactly the fields it writes (see `requestLog`).
 */
function create(destination: DestinationStream | undefined, kind: "service" | "request"): Logger {
  return pino(
    {
      level: getEnv().LOG_LEVEL,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      ...(kind === "service" ? { redact: { paths: REDACT_PATHS, censor: "[redacted]" }, mixin: contextFields } : {}),
    },
    destination ?? stdout(),
  );
}

// One logger per process (kept on globalThis like the metrics registry), so every bundle writes alike.
const globalForLog = globalThis as unknown as {
  specline_log?: Logger;
  specline_requestLog?: Logger;
  specline_logStream?: DestinationStream;
};

/**
 * Lines are gathered up to 4 KiB per write (a dozen request lines: one system call instead of twelve)
 * and flushed at least every quarter second, so a quiet instance's lines are never held longer; pino
 * writes out what is left when the process exits (a crash included).
 */
export const LOG_BUFFER = { minLength: 4096, periodicFlush: 250 } as const;

/** The one stream both loggers write to, so their lines never interleave mid-line. */
function stdout(): DestinationStream {
  globalForLog.specline_logStream ??= prettyStream() ?? pino.destination({ dest: 1, sync: false, ...LOG_BUFFER });
  return globalForLog.specline_logStream;
}

function logger(): Logger {
  globalForLog.specline_log ??= create(undefined, "service");
  return globalForLog.specline_log;
}

/**
 * The logger of the line each request ends with (observe.ts), writing to the same stream without the
 * redaction pass or the context lookup: that line's fields are a fixed set (ids, names, status,
 * duration) none of which can hold a secret, its caller has the request's ids at hand, and redacting
 * copies every line for 36 paths, half of what a line costs. A line that carries an error goes through
 * `log`.
 */
export function requestLog(): Logger {
  globalForLog.specline_requestLog ??= create(undefined, "request");
  return globalForLog.specline_requestLog;
}

/**
 * The logger. A proxy rather than the instance, so `setLogDestination` applies to modules that imported
 * it already.
 */
export const log: Logger = new Proxy({} as Logger, {
  get(_target, property) {
    const target = logger();
    const value = Reflect.get(target, property, target);
    return typeof value === "function" ? value.bind(target) : value;
  },
});

/** Sends every line from now on to `stream` (tests read them); with no argument, back to stdout. */
export function setLogDestination(stream?: DestinationStream): void {
  globalForLog.specline_log = create(stream, "service");
  globalForLog.specline_requestLog = create(stream, "request");
}
