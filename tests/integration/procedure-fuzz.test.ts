/**
 * Property-based fuzzing of every procedure of the AppRouter: whatever the
 * input, a call either succeeds or fails with a tRPC error that is not
 * INTERNAL_SERVER_ERROR. Inputs are derived from each procedure's zod schema
 * (filled with the real keys and ids of a seeded project, so calls reach the
 * services and the database), mixed with malformed ones: arbitrary values,
 * one field swapped for a hostile value, prototype-pollution keys, deep
 * nesting, forged cursors. Each procedure is called as anonymous, an
 * outsider, the project admin and an instance admin, sometimes with an
 * Idempotency-Key (fresh, shared by every call, or any string).
 *
 * Runs on PostgreSQL only (the embedded database takes the same queries
 * through the same code, far slower). FUZZ_RUNS inputs per procedure and
 * caller (default 100), FUZZ_SEED fixes the generator (printed at the start).
 */
import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { z } from "zod";

import { day, email, expectedVersion, id, pagination, projectKey, timestamp } from "@/lib/schemas/common";
import { issueKey } from "@/lib/schemas/issue";
import type { AttributeDefinition } from "@/lib/schemas/project";
import { requirementKey } from "@/lib/schemas/requirement";
import { webhookUrl } from "@/lib/schemas/webhooks";
import { serverTransformer } from "@/lib/transformer";
import { appRouter } from "@/server/api/root";
import { db } from "@/server/db";
import { encodeCursor } from "@/server/services/pagination";

import { callerFor, createProjectWithCast, uniqueProjectKey } from "../helpers/factories";

/**
 * No request leaves this machine: webhook tests and redeliveries get an
 * immediate network failure after the URL policy has been applied.
 */
vi.mock("@/server/services/webhooks/post-guarded", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/server/services/webhooks/post-guarded")>();
  const { assertSafeWebhookUrl } = await import("@/server/services/webhooks/url-safety");
  return {
    ...original,
    postGuarded: async (opts: { url: string; allowPrivate?: boolean }) => {
      try {
        assertSafeWebhookUrl(opts.url, { allowPrivate: opts.allowPrivate });
      } catch (err) {
        return { outcome: "refused", responseCode: null, durationMs: 0, error: `Refused: ${(err as Error).message}` };
      }
      return { outcome: "network", responseCode: null, durationMs: 0, error: "Network disabled in the fuzz test" };
    },
  };
});

const RUNS = positiveIntegerFromEnv("FUZZ_RUNS", 100);
const SEED = integerFromEnv("FUZZ_SEED", 20_261_204);
/** FUZZ_REPORT=1 prints how each procedure answered each caller, to see which calls reached the services. */
const REPORT = process.env.FUZZ_REPORT === "1";

function integerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const value = integerFromEnv(name, fallback);
  if (value < 1) throw new Error(`${name} must be at least 1`);
  return value;
}

/* ------------------------------------------------------------------ the world */

type ActorName = "anonymous" | "outsider" | "projectAdmin" | "instanceAdmin";
const ACTORS: ActorName[] = ["anonymous", "outsider", "projectAdmin", "instanceAdmin"];

interface World {
  projectId: string;
  key: string;
  archivedKey: string;
  actors: Record<ActorName, string | null>;
}

/** Real keys and ids the generators pick from, read afresh before each procedure. */
interface Pool {
  /** The seeded project's key; calls name it most of the time. */
  projectKey: string;
  /** An archived project the admin belongs to, and one that does not exist. */
  otherProjectKeys: string[];
  requirementKeys: string[];
  issueKeys: string[];
  emails: string[];
  cursors: string[];
  /** Ids of rows by the input field that names them (`userId`, `commentId`, …); `id` for baselines. */
  ids: Record<string, string[]>;
  /** UUID ids by field (`deliveryId`; `id` and `webhookId` for webhooks, outbox events, notifications). */
  uuids: Record<string, string[]>;
}

/** Attribute definitions of the seeded project, so attribute values are checked against every type. */
const ATTRIBUTES: AttributeDefinition[] = [
  { key: "due", label: "Due", type: "date", required: false },
  { key: "effort", label: "Effort", type: "number", required: false },
  { key: "level", label: "Level", type: "enum", required: false, options: ["low", "high"] },
  { key: "safety", label: "Safety", type: "boolean", required: false },
  { key: "owner", label: "Owner", type: "text", required: false },
  { key: "notes", label: "Notes", type: "richText", required: false },
  { key: "levels", label: "Levels", type: "multiEnum", required: false, options: ["low", "high"] },
  { key: "review", label: "Review", type: "dateTime", required: false },
];

let world: World;

async function seedWorld(): Promise<World> {
  const cast = await createProjectWithCast();
  const admin = callerFor(cast.admin.id);
  const project = await admin.project.byKey({ projectKey: cast.key });
  await admin.project.update({
    projectKey: cast.key,
    expectedVersion: project.version,
    settings: { requirementAttributes: ATTRIBUTES },
  });
  const top = await admin.requirement.create({ projectKey: cast.key, title: "Fuzz parent", statement: "Top" });
  const child = await admin.requirement.create({ projectKey: cast.key, title: "Fuzz child", parentKey: top.key });
  await admin.requirement.update({ key: child.key, expectedVersion: 1, title: "Fuzz child, v2" });
  const issue = await admin.issue.create({ projectKey: cast.key, title: "Fuzz issue", labels: ["fuzz"] });
  await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Reporter's issue" });
  await admin.issue.comments.add({ key: issue.key, body: `Looked at it @${cast.maintainer.email}` });
  await admin.traceLink.create({ projectKey: cast.key, from: issue.key, to: top.key, type: "IMPLEMENTS" });
  await admin.traceLink.create({ projectKey: cast.key, from: child.key, to: top.key, type: "DERIVES_FROM" });
  await admin.requirement.update({ key: top.key, expectedVersion: 1, title: "Fuzz parent, v2" });
  await admin.baseline.create({ projectKey: cast.key, name: "Fuzz baseline" });
  const webhook = await db.webhook.create({
    data: { projectId: cast.project.id, url: "https://hooks.example.test/fuzz", secret: "whsec_fuzz" },
  });
  await db.webhookDelivery.create({
    data: {
      webhookId: webhook.id,
      eventId: crypto.randomUUID(),
      eventType: "issue.created",
      body: "{}",
      status: "FAILED",
      attempts: 1,
    },
  });
  await db.outboxEvent.create({
    data: { type: "fuzz.failed", payload: {}, attempts: 10, lastError: "Error: fuzz", failedAt: new Date() },
  });

  const archivedKey = uniqueProjectKey();
  await admin.project.create({ key: archivedKey, name: "Archived for fuzzing" });
  await admin.requirement.create({ projectKey: archivedKey, title: "In an archived project" });
  await admin.project.archive({ projectKey: archivedKey, archived: true });

  return {
    projectId: cast.project.id,
    key: cast.key,
    archivedKey,
    actors: {
      anonymous: null,
      outsider: cast.nonMember.id,
      projectAdmin: cast.admin.id,
      instanceAdmin: cast.instanceAdmin.id,
    },
  };
}

/**
 * Puts back what a fuzzed mutation may take away from the callers (the
 * project archived, the admin demoted or removed, the instance admin
 * demoted, the outsider made a member), so each procedure starts from the
 * same permissions.
 */
async function restoreStanding(w: World) {
  const { projectAdmin, instanceAdmin, outsider } = w.actors;
  await db.project.update({ where: { id: w.projectId }, data: { archivedAt: null } });
  await db.membership.upsert({
    where: { projectId_userId: { projectId: w.projectId, userId: projectAdmin! } },
    create: { projectId: w.projectId, userId: projectAdmin!, role: "ADMIN" },
    update: { role: "ADMIN" },
  });
  await db.membership.deleteMany({ where: { projectId: w.projectId, userId: outsider! } });
  await db.user.update({ where: { id: instanceAdmin! }, data: { role: "ADMIN" } });
  await db.user.updateMany({ where: { id: { in: [projectAdmin!, outsider!] } }, data: { role: "USER" } });
}

async function readPool(w: World): Promise<Pool> {
  const projectIds = (
    await db.project.findMany({ where: { key: { in: [w.key, w.archivedKey] } }, select: { id: true } })
  ).map((p) => p.id);
  const inProjects = { projectId: { in: projectIds } };
  const recent = { orderBy: { createdAt: "desc" as const }, take: 30 };
  const [requirements, issues, users, baselines, links, comments, webhooks, deliveries, notifications, outbox] =
    await Promise.all([
      db.requirement.findMany({ where: inProjects, select: { key: true }, ...recent }),
      db.issue.findMany({ where: inProjects, select: { key: true }, ...recent }),
      db.user.findMany({ select: { id: true, email: true }, ...recent }),
      db.baseline.findMany({ where: inProjects, select: { id: true }, ...recent }),
      db.traceLink.findMany({ where: inProjects, select: { id: true }, ...recent }),
      db.comment.findMany({ select: { id: true }, ...recent }),
      db.webhook.findMany({ where: inProjects, select: { id: true }, ...recent }),
      db.webhookDelivery.findMany({ select: { id: true }, ...recent }),
      db.notification.findMany({ select: { id: true }, ...recent }),
      db.outboxEvent.findMany({ select: { id: true }, ...recent }),
    ]);
  const admin = callerFor(w.actors.projectAdmin);
  const cursors = await Promise.all([
    admin.requirement.list({ projectKey: w.key, limit: 1 }),
    admin.requirement.list({ projectKey: w.key, limit: 1, sort: "updated" }),
    admin.issue.list({ projectKey: w.key, limit: 1, sort: "severity" }),
    admin.audit.list({ projectKey: w.key, limit: 1 }),
  ]).then((pages) => pages.flatMap((p) => (p.nextCursor ? [p.nextCursor] : [])));
  const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
  const userIds = ids(users);
  return {
    projectKey: w.key,
    otherProjectKeys: [w.archivedKey, "NOSUCH"],
    requirementKeys: [...requirements.map((r) => r.key), `${w.key}-999999999`],
    issueKeys: [...issues.map((i) => i.key), `${w.key}-I-999999999`],
    emails: users.map((u) => u.email),
    cursors,
    ids: {
      userId: userIds,
      assigneeId: userIds,
      reporterId: userIds,
      actorId: userIds,
      commentId: ids(comments),
      linkId: ids(links),
      id: ids(baselines),
      from: ids(baselines),
      to: ids(baselines),
    },
    uuids: {
      id: [...ids(webhooks), ...ids(outbox)],
      webhookId: ids(webhooks),
      deliveryId: ids(deliveries),
      ids: ids(notifications),
    },
  };
}

/* -------------------------------------------------------------- hostile values */

/** Prints a huge or deeply nested counterexample as a short description instead of the value itself. */
function described<T extends object>(value: T, description: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => description, enumerable: false });
  return value;
}

function nested(depth: number, kind: "object" | "array"): unknown {
  let value: unknown = kind === "object" ? {} : [];
  for (let i = 0; i < depth; i++) value = kind === "object" ? { a: value } : [value];
  return described(value as object, `<${kind} nested ${depth} deep>`);
}

const b64 = (text: string) => Buffer.from(text).toString("base64url");

const forgedCursor: fc.Arbitrary<string> = fc.oneof(
  fc.string().map(b64),
  fc.jsonValue().map((v) => b64(JSON.stringify(v))),
  fc
    .array(
      fc.oneof(
        fc.string(),
        fc.integer(),
        fc.double(),
        fc.constantFrom(
          "-100000-01-01T00:00:00.000Z",
          "+275760-09-13T00:00:00.000Z",
          "0000-01-01T00:00:00.000Z",
          "\u0000",
          "NOPE",
          3_000_000_000,
          -1,
          2 ** 53,
        ),
      ),
      { maxLength: 4 },
    )
    .map((parts) => encodeCursor(parts)),
  fc.constantFrom("", "=", "not a cursor", "%%%%", "W10", "bnVsbA"),
);

const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uFFFF",
  "\u202Etxt.exe",
  "%s%n%x",
  '\'; DROP TABLE "User"; --',
  "../../../etc/passwd",
  "<script>alert(1)</script>",
  '=HYPERLINK("http://x")',
  "NaN",
  "null",
  "__proto__",
  "A".repeat(101),
  "A".repeat(20_001),
  "é".repeat(60_000),
  "😀".repeat(60_000),
  "x".repeat(300_000),
  "2026-02-30",
  "0000-01-01",
  "-100000-01-01",
  "+275760-09-13",
  "99999-12-31",
  "1899-12-31",
  "9999-12-31T23:59:59.999Z",
  "NOPE",
  "draft",
  "DRAFT ",
  "HEAD",
  "AB-0",
  "AB-I-0",
  "AB-2147483648",
  "AB-I-999999999",
];

const HOSTILE_NUMBERS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  -1,
  0.5,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31) - 1,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e308,
];

const HOSTILE_DATES = [
  new Date(Number.NaN),
  new Date("0000-01-01T00:00:00Z"),
  new Date(Date.UTC(-100_000, 0, 1)),
  new Date(Date.UTC(99_999, 0, 1)),
  new Date(8.64e15),
  new Date(-8.64e15),
  new Date("1899-12-31T23:59:59Z"),
];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom<unknown>(...HOSTILE_STRINGS, ...HOSTILE_NUMBERS, ...HOSTILE_DATES), weight: 6 },
  {
    arbitrary: fc.constantFrom<unknown>(
      null,
      undefined,
      true,
      {},
      [],
      2n ** 64n,
      -1n,
      Symbol("fuzz"),
      new Map([["a", 1]]),
      new Set([1]),
      /regex/,
    ),
    weight: 2,
  },
  { arbitrary: forgedCursor, weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(10, 1_000, 20_000), fc.constantFrom<"object" | "array">("object", "array"))
      .map(([depth, kind]) => nested(depth, kind)),
    weight: 1,
  },
  { arbitrary: fc.string({ unit: "binary", maxLength: 200 }), weight: 2 },
  { arbitrary: fc.anything(), weight: 2 },
);

/** Objects as JSON.parse builds them from a request body: `__proto__` is an own key. */
const POLLUTION = [
  '{"__proto__":{"polluted":"yes","role":"ADMIN","isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":null}',
  '{"toString":"x","valueOf":1,"hasOwnProperty":null}',
];

/* ------------------------------------------------- schema → valid-shaped inputs */

type Schema = z.core.$ZodType;

/** The parts of zod 4's schema definitions the walker reads. */
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, Schema>;
  catchall?: Schema;
  innerType?: Schema;
  element?: Schema;
  options?: Schema[];
  in?: Schema;
  entries?: Record<string, string | number>;
  values?: unknown[];
  keyType?: Schema;
  valueType?: Schema;
  items?: Schema[];
  format?: string;
  pattern?: RegExp;
  getter?: () => Schema;
}

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: number | bigint;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
}

const defOf = (schema: Schema) => schema._zod.def as unknown as Def;
const checksOf = (schema: Schema) => (defOf(schema).checks ?? []).map((c) => c._zod.def);

/** Whether an object may leave this key out (optional, or with a default). */
const omittable = (schema: Schema) => schema._zod.optin !== undefined;

/** A lower and upper bound from zod's length or size checks. */
function lengthBounds(schema: Schema): { min: number; max: number } {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  for (const c of checksOf(schema)) {
    if (c.check === "min_length" && c.minimum !== undefined) min = Math.max(min, c.minimum);
    if (c.check === "max_length" && c.maximum !== undefined) max = Math.min(max, c.maximum);
    if (c.check === "length_equals" && c.length !== undefined) [min, max] = [c.length, c.length];
  }
  return { min, max };
}

/** Mostly printable text, sometimes any Unicode, rarely a character the database cannot store. */
const text = (minLength: number, maxLength: number) =>
  fc.oneof(
    { arbitrary: fc.string({ minLength, maxLength }), weight: 12 },
    { arbitrary: fc.string({ minLength, maxLength, unit: "grapheme" }), weight: 4 },
    { arbitrary: fc.string({ minLength, maxLength, unit: "binary" }), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.string({ maxLength: Math.max(0, maxLength - 1) }), fc.constantFrom("\u0000", "\uD800", "\u202E"))
        .map(([s, odd]) => `${s}${odd}`)
        .filter((s) => s.length >= minLength && s.length <= maxLength),
      weight: 1,
    },
  );

function stringArbitrary(schema: Schema, pool: Pool, field?: string): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const checks = checksOf(schema);
  const format = def.format ?? checks.find((c) => c.check === "string_format")?.format;
  const pattern = def.pattern ?? checks.find((c) => c.check === "string_format" && c.pattern)?.pattern;
  const { min, max } = lengthBounds(schema);
  if (format === "uuid" || format === "guid") return pickOr(pool.uuids[field ?? ""] ?? [], fc.uuid());
  if (format === "email") return pickOr(pool.emails, fc.emailAddress());
  if (format === "datetime") return fc.date(SUPPORTED_DATES).map((d) => d.toISOString());
  if (pattern) return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= max);
  const upTo = Math.min(max, min + 40);
  if (!Number.isFinite(max)) return text(min, upTo);
  // Now and then exactly at the bound, counted in UTF-16 units as zod counts.
  return fc.oneof(
    { arbitrary: text(min, upTo), weight: 8 },
    { arbitrary: fc.constantFrom("a".repeat(max), "é".repeat(max)), weight: 1 },
  );
}

function numberArbitrary(schema: Schema): fc.Arbitrary<number> {
  let lo = -Number.MAX_VALUE;
  let hi = Number.MAX_VALUE;
  let int = false;
  for (const c of checksOf(schema)) {
    if (c.check === "greater_than") lo = Math.max(lo, Number(c.value) + (c.inclusive ? 0 : Number.EPSILON));
    if (c.check === "less_than") hi = Math.min(hi, Number(c.value) - (c.inclusive ? 0 : Number.EPSILON));
    if (c.check === "number_format" && c.format !== "float32" && c.format !== "float64") int = true;
  }
  if (!int) return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  const min = Math.max(Math.ceil(lo), Number.MIN_SAFE_INTEGER);
  const max = Math.min(Math.floor(hi), Number.MAX_SAFE_INTEGER);
  const small = fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) });
  return fc.oneof(
    { arbitrary: small, weight: 6 },
    { arbitrary: fc.constantFrom(min, max), weight: 1 },
    { arbitrary: fc.maxSafeInteger().filter((n) => n >= min && n <= max), weight: 1 },
  );
}

const SUPPORTED_DATES = { min: new Date("1900-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z") };
/** Around now, where the seeded rows and the stats live. */
const RECENT_DATES = { min: new Date("2025-01-01T00:00:00Z"), max: new Date("2027-12-31T00:00:00Z") };

const dayArbitrary = fc
  .oneof(fc.date({ ...RECENT_DATES, noInvalidDate: true }), fc.date({ ...SUPPORTED_DATES, noInvalidDate: true }))
  .map((d) => d.toISOString().slice(0, 10));

const pickOr = <T>(values: T[], otherwise: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  values.length ? fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 5 }, otherwise) : otherwise;

/**
 * Builds an arbitrary of inputs the schema is likely to accept, or at least
 * shaped like them. The shared building blocks (project, requirement and
 * issue keys, ids, cursors, dates) mostly name real rows.
 */
function arbitraryFor(schema: Schema, pool: Pool, field?: string): fc.Arbitrary<unknown> {
  const walk = (s: Schema, f?: string) => arbitraryFor(s, pool, f);
  if (schema === projectKey) {
    return fc.oneof(
      { arbitrary: fc.constant(pool.projectKey), weight: 6 },
      { arbitrary: fc.constantFrom(...pool.otherProjectKeys), weight: 1 },
      { arbitrary: stringArbitrary(schema, pool), weight: 1 },
    );
  }
  if (schema === requirementKey) return pickOr(pool.requirementKeys, stringArbitrary(schema, pool));
  if (schema === issueKey) return pickOr(pool.issueKeys, stringArbitrary(schema, pool));
  if (schema === id) {
    const known = Object.values(pool.ids).flat();
    return fc.oneof(pickOr(pool.ids[field ?? ""] ?? [], stringArbitrary(schema, pool)), pickOr(known, fc.string()));
  }
  if (schema === email) return pickOr(pool.emails, fc.emailAddress());
  if (schema === expectedVersion) {
    const small = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 5 }), weight: 4 }, walkNumber());
    // Compare-and-set inputs mostly carry the item's current version, so the write goes through.
    return field === "expectedVersion"
      ? fc.oneof({ arbitrary: fc.constant(CURRENT_VERSION), weight: 3 }, small)
      : small;
  }
  if (schema === day) return dayArbitrary;
  if (schema === webhookUrl) {
    return fc.oneof(
      fc.constantFrom("https://hooks.example.com/specline", "http://127.0.0.1:1/", "http://[::1]/", "ftp://x.example"),
      fc.webUrl(),
    );
  }
  if (schema === timestamp) {
    return fc.oneof(
      fc.date({ ...RECENT_DATES, noInvalidDate: true }),
      fc.date({ ...SUPPORTED_DATES, noInvalidDate: true }).map((d) => d.toISOString()),
    );
  }
  if (schema === pagination.cursor || field === "cursor") {
    return fc.oneof(fc.constant(undefined), pickOr(pool.cursors, forgedCursor));
  }

  const def = defOf(schema);
  switch (def.type) {
    case "object": {
      const entries = Object.entries(def.shape ?? {});
      const model = Object.fromEntries(entries.map(([k, s]) => [k, walk(s, k)]));
      const requiredKeys = entries.filter(([, s]) => !omittable(s)).map(([k]) => k);
      const record = fc.record(model, { requiredKeys });
      if (!def.catchall || defOf(def.catchall).type === "never") return record;
      // Keys beyond the shape, as an object that keeps other keys (project settings) receives them.
      return fc
        .tuple(
          record,
          fc.dictionary(
            fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("__proto__", "constructor", "prototype")),
            walk(def.catchall),
            { maxKeys: 3 },
          ),
        )
        .map(([known, extra]) => ({ ...extra, ...known }));
    }
    case "string":
      return stringArbitrary(schema, pool, field);
    case "number":
      return numberArbitrary(schema);
    case "bigint":
      return fc.bigInt();
    case "boolean":
      return fc.boolean();
    case "date":
      return fc.date({ ...SUPPORTED_DATES, noInvalidDate: true });
    case "null":
      return fc.constant(null);
    case "undefined":
    case "void":
      return fc.constant(undefined);
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case "literal":
      return fc.constantFrom(...(def.values ?? []));
    case "optional":
      return fc.option(walk(def.innerType!, field), { nil: undefined, freq: 4 });
    case "nullable":
      return fc.option(walk(def.innerType!, field), { nil: null, freq: 4 });
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return walk(def.innerType!, field);
    case "array": {
      const { min, max } = lengthBounds(schema);
      return fc.array(walk(def.element!, field), { minLength: min, maxLength: Math.min(max, min + 5) });
    }
    case "union":
      return fc.oneof(...(def.options ?? []).map((o) => walk(o, field)));
    case "pipe":
      return walk(def.in!, field);
    case "record":
      return fc.dictionary(
        fc.oneof(
          { arbitrary: fc.constantFrom(...ATTRIBUTES.map((a) => a.key)), weight: 4 },
          { arbitrary: walk(def.keyType!) as fc.Arbitrary<string>, weight: 1 },
        ),
        fc.oneof(
          walk(def.valueType!),
          dayArbitrary,
          fc.constantFrom("low", "high", "0000-01-01", "2026-02-30"),
          fc.constantFrom<unknown>(
            "2026-11-22T14:30:00+01:00",
            "+275760-09-13T00:00:00Z",
            "-100000-01-01T00:00:00Z",
            "9999-12-31T23:30:00-01:00",
            ["high", "low", "low"],
            ["low", "medium"],
          ),
        ),
        { maxKeys: 5 },
      );
    case "tuple":
      return fc.tuple(...(def.items ?? []).map((s) => walk(s)));
    case "lazy":
      return walk(def.getter!(), field);
    case "unknown":
    case "any":
      return fc.oneof(
        { arbitrary: fc.jsonValue(), weight: 4 },
        {
          arbitrary: fc
            .tuple(fc.constantFrom(50, 200, 1_000, 5_000), fc.constantFrom<"object" | "array">("object", "array"))
            .map(([depth, kind]) => nested(depth, kind)),
          weight: 1,
        },
      );
    default:
      // Transforms, custom types and anything new: no shape to follow.
      unknownSchemaTypes.add(def.type);
      return fc.anything();
  }
}

const walkNumber = () => numberArbitrary(expectedVersion);

/** The top-level keys an input object may have, for swapping one of them for a hostile value. */
function topLevelKeys(schema: Schema | undefined): string[] {
  if (!schema) return [];
  const def = defOf(schema);
  if (def.type === "object") return Object.keys(def.shape ?? {});
  if (def.innerType) return topLevelKeys(def.innerType);
  if (def.type === "pipe") return topLevelKeys(def.in);
  if (def.type === "union") return [...new Set((def.options ?? []).flatMap(topLevelKeys))];
  return [];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Valid-shaped inputs, the same with one field made hostile or extra keys, and anything at all. */
function inputArbitrary(schema: Schema | undefined, pool: Pool): fc.Arbitrary<unknown> {
  const valid = schema ? arbitraryFor(schema, pool) : fc.constant(undefined);
  const keys = [...topLevelKeys(schema), "__proto__", "constructor", "unknownKey"];
  const oneFieldHostile = fc
    .tuple(valid, fc.constantFrom(...keys), hostileValue)
    .map(([input, key, value]) => (isPlainObject(input) ? { ...input, [key]: value } : value));
  const polluted = fc
    .tuple(valid, fc.constantFrom(...POLLUTION))
    .map(([input, json]) => (isPlainObject(input) ? { ...JSON.parse(json), ...input } : JSON.parse(json)));
  return fc.oneof(
    { arbitrary: valid, weight: 5 },
    { arbitrary: oneFieldHostile, weight: 3 },
    { arbitrary: polluted, weight: 1 },
    {
      arbitrary: fc.anything({
        withBigInt: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withSparseArray: true,
        withObjectString: true,
        key: fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "projectKey", "key", "cursor")),
      }),
      weight: 1,
    },
  );
}

/* ----------------------------------------------------------------- the property */

interface ProcedureDef {
  _def: { type: string; inputs: Schema[] };
}

const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
const paths = Object.keys(procedures).sort();

function procedureAt(caller: unknown, path: string): (input: unknown) => Promise<unknown> {
  return path.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], caller) as (
    input: unknown,
  ) => Promise<unknown>;
}

/** A seed per procedure, derived from FUZZ_SEED, so procedures with alike inputs still get different ones. */
function seedFor(path: string): number {
  let hash = SEED | 0;
  for (const ch of path) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return hash;
}

/** Stands for "the addressed item's version right now", filled in just before the call. */
const CURRENT_VERSION = described({ currentVersion: true }, "<current version>");

/** The input with CURRENT_VERSION replaced by the version of the requirement, issue or project it names. */
async function withCurrentVersion(input: unknown): Promise<unknown> {
  if (!isPlainObject(input) || input.expectedVersion !== CURRENT_VERSION) return input;
  const { key, projectKey: project } = input;
  const select = { version: true } as const;
  // A key the database cannot even look up (NUL, a lone surrogate) is the procedure's to refuse.
  const row = await (typeof key === "string"
    ? key.includes("-I-")
      ? db.issue.findUnique({ where: { key }, select })
      : db.requirement.findUnique({ where: { key }, select })
    : typeof project === "string"
      ? db.project.findUnique({ where: { key: project }, select })
      : Promise.resolve(null)
  ).catch(() => null);
  return { ...input, expectedVersion: row?.version ?? 1 };
}

/** Mutations that can take the callers' standing away; after one succeeds, it is restored before the next call. */
const TAKES_STANDING = /^(project\.(archive|members\.(add|setRole|remove))|user\.setRole)$/;
let standingChanged = false;

class ServerError extends Error {}

/** How each procedure answered each caller (ok or the tRPC code), summed up at the end. */
const outcomes = new Map<string, Record<string, number>>();
/** Zod schema types the walker has no generator for, reported with the summary. */
const unknownSchemaTypes = new Set<string>();

function count(path: string, actor: ActorName, outcome: string) {
  const key = `${path} as ${actor}`;
  const tally = outcomes.get(key) ?? {};
  tally[outcome] = (tally[outcome] ?? 0) + 1;
  outcomes.set(key, tally);
}

/**
 * The Idempotency-Key a call carries: mostly none, else a fresh one, one shared by every call (replays and
 * CONFLICTs), or any string at all (BAD_REQUEST on the creates that read it, ignored elsewhere).
 */
const idempotencyKeyArbitrary = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  { arbitrary: fc.uuid(), weight: 2 },
  { arbitrary: fc.constant("fuzz-shared-key"), weight: 1 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 260 }), weight: 1 },
);

/** One call; throws (failing the property) on a 500, on anything but a TRPCError, or on an unsendable result. */
async function callOnce(path: string, actor: ActorName, input: unknown, idempotencyKey: string | null): Promise<void> {
  if (standingChanged) {
    await restoreStanding(world);
    standingChanged = false;
  }
  let result: unknown;
  try {
    result = await procedureAt(
      callerFor(world.actors[actor], { idempotencyKey }),
      path,
    )(await withCurrentVersion(input));
  } catch (err) {
    count(path, actor, err instanceof TRPCError ? err.code : "thrown");
    if (!(err instanceof TRPCError)) {
      throw new ServerError(`${path} as ${actor} threw a ${describeError(err)} instead of a TRPCError`);
    }
    if (err.code === "INTERNAL_SERVER_ERROR") {
      throw new ServerError(`${path} as ${actor} answered INTERNAL_SERVER_ERROR: ${describeError(err.cause ?? err)}`);
    }
    return;
  }
  count(path, actor, "ok");
  if (TAKES_STANDING.test(path)) standingChanged = true;
  try {
    // What the HTTP handler does with a result; the server-side caller skips it.
    JSON.stringify(serverTransformer.output.serialize(result));
  } catch (err) {
    throw new ServerError(`${path} as ${actor} returned a result the wire format refuses: ${describeError(err)}`);
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message.slice(0, 2_000)}\n${err.stack ?? ""}`;
  return String(err);
}

describe.skipIf(inject("dbMode") !== "postgres")("procedure fuzz", () => {
  beforeAll(async () => {
    console.info(
      `procedure fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} (${paths.length} procedures × ${ACTORS.length} callers)`,
    );
    world = await seedWorld();
  });

  it("covers every procedure of the router", () => {
    // The loop below is over the router itself; this guards against an empty or broken enumeration.
    expect(paths.length).toBeGreaterThan(50);
    for (const path of paths) expect(procedures[path]?._def.inputs.length).toBeLessThanOrEqual(1);
  });

  for (const path of paths) {
    it(
      path,
      async () => {
        await restoreStanding(world);
        const pool = await readPool(world);
        const arbitrary = inputArbitrary(procedures[path]!._def.inputs[0], pool);
        for (const actor of ACTORS) {
          await fc.assert(
            fc.asyncProperty(arbitrary, idempotencyKeyArbitrary, (input, key) => callOnce(path, actor, input, key)),
            { numRuns: RUNS, seed: seedFor(path), timeout: 20_000 },
          );
        }
      },
      Math.max(60_000, RUNS * ACTORS.length * 500),
    );
  }

  afterAll(() => {
    const totals: Record<string, number> = {};
    for (const tally of outcomes.values()) {
      for (const [code, n] of Object.entries(tally)) totals[code] = (totals[code] ?? 0) + n;
    }
    const summary = Object.entries(totals)
      .sort(([, a], [, b]) => b - a)
      .map(([code, n]) => `${code} ${n}`)
      .join(", ");
    const unknown = unknownSchemaTypes.size ? `; schema types filled with anything: ${[...unknownSchemaTypes]}` : "";
    console.info(`procedure fuzz answers: ${summary}${unknown}`);
    if (!REPORT) return;
    const lines = [...outcomes].map(
      ([key, tally]) =>
        `${key.padEnd(48)} ${Object.entries(tally)
          .sort(([, a], [, b]) => b - a)
          .map(([code, n]) => `${code} ${n}`)
          .join(", ")}`,
    );
    console.info(`procedure fuzz answers by procedure and caller:\n${lines.join("\n")}`);
  });

  it("left no prototype polluted", () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});
