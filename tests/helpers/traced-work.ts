/**
 * One round of traced work in a process of its own, for
 * tests/integration/tracing.test.ts. Tracing starts first, as
 * instrumentation.ts starts it in the server, so `pg`, `ioredis` and fetch
 * are instrumented before any app module loads; then one procedure call, one
 * fetch, one webhook POST and one SMTP send, and every span goes to the
 * test's OTLP receiver before the process exits.
 *
 *   node --import tsx tests/helpers/traced-work.ts
 *
 * with OTEL_EXPORTER_OTLP_ENDPOINT, DATABASE_URL, AUTH_SECRET and SMTP_URL
 * set, plus TRACED_USER_ID (who calls `project.create`), TRACED_PROJECT_KEY
 * and TRACED_TARGET_URL (an HTTP server that answers anything).
 */
import { startTracing, stopTracing } from "@/server/observability/tracing";

if (!(await startTracing())) throw new Error("tracing did not start: no OTLP endpoint");

const { createCaller } = await import("@/server/api/root");
const { createContextInner } = await import("@/server/api/trpc");
const { disconnectDb } = await import("@/server/db");
const { sendMail } = await import("@/server/services/mail/mailer");
const { postGuarded } = await import("@/server/services/webhooks/post-guarded");
const { getRedis } = await import("@/server/redis");

const target = process.env.TRACED_TARGET_URL ?? "";
const key = process.env.TRACED_PROJECT_KEY ?? "";

const caller = createCaller(createContextInner({ userId: process.env.TRACED_USER_ID ?? null, ip: "traced-work" }));
await caller.project.create({ key, name: `Traced ${key}`, description: "" });

// Secrets where outbound URLs carry them: a Slack-style path and a presigned query.
const fetched = await fetch(`${target}/s3/bucket/object?X-Amz-Signature=presigned-secret`);
await fetched.arrayBuffer();
await postGuarded({
  url: `${target}/services/T000/B000/webhook-path-secret`,
  body: "{}",
  headers: { "content-type": "application/json" },
  timeoutMs: 5_000,
  allowPrivate: true,
});
await sendMail({
  id: crypto.randomUUID(),
  createdAt: new Date(),
  to: "recipient@example.test",
  subject: "Traced",
  text: "Body",
});

await stopTracing();
await disconnectDb();
getRedis()?.disconnect();
process.exit(0);
