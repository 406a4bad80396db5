/**
 * Hostile input answers BAD_REQUEST with a readable message — never a 500:
 * forged cursors on every paged list, numbers beyond PostgreSQL's integer,
 * dates outside 1900–9999 and over-long strings.
 */
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";

import { db } from "@/server/db";
import { encodeCursor } from "@/server/services/pagination";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

type Cast = Awaited<ReturnType<typeof createProjectWithCast>>;

const b64 = (text: string) => Buffer.from(text).toString("base64url");

/** Cursors no list ever hands out. */
const FORGED: [string, string][] = [
  ["random base64", b64("\u0001\u00ff\u0010 not json at all")],
  ["plain text", "not a cursor"],
  ["JSON object", b64('{"after":1}')],
  ["empty array", encodeCursor([])],
  ["wrong arity", encodeCursor(["2026-01-01T00:00:00.000Z", "id", 3])],
  ["wrong types", encodeCursor([true as unknown as string, null as unknown as string])],
  ["year −100000", encodeCursor(["-100000-01-01T00:00:00.000Z", "id"])],
  ["unknown enum value", encodeCursor(["NOPE", 3])],
  ["a number beyond integer", encodeCursor([3_000_000_000])],
  ["a negative number", encodeCursor([-5])],
];

async function expectBadRequest(promise: Promise<unknown>, message?: string | RegExp): Promise<TRPCError> {
  const err = await expectTRPCError(promise, "BAD_REQUEST");
  if (message) expect(err.message).toMatch(message);
  return err;
}

/** A zod input error: BAD_REQUEST whose cause carries the issues, with a message naming the rule. */
async function expectZodError(promise: Promise<unknown>, message: string | RegExp): Promise<void> {
  const err = await expectBadRequest(promise);
  const issues = (err.cause as { issues?: { message: string }[] } | undefined)?.issues;
  expect(issues?.length).toBeGreaterThan(0);
  expect(issues?.map((i) => i.message).join("\n")).toMatch(message);
}

let cast: Cast;
let requirementKey: string;
let issueKey: string;
let baselineId: string;
let webhookId: string;

beforeAll(async () => {
  cast = await createProjectWithCast();
  const admin = callerFor(cast.admin.id);
  const req = await admin.requirement.create({ projectKey: cast.key, title: "Hostile input target" });
  await admin.requirement.update({ key: req.key, expectedVersion: 1, title: "Hostile input target, v2" });
  requirementKey = req.key;
  issueKey = (await admin.issue.create({ projectKey: cast.key, title: "Hostile input issue" })).key;
  baselineId = (await admin.baseline.create({ projectKey: cast.key, name: "Hostile baseline" })).id;
  webhookId = (
    await db.webhook.create({
      data: {
        projectId: cast.project.id,
        url: "https://hooks.example.test/in",
        secret: "s",
        createdById: cast.admin.id,
      },
    })
  ).id;
});

describe("the calls that once answered 500", () => {
  it("issue.list sorted by severity with a cursor holding an unknown severity", async () => {
    await expectBadRequest(
      callerFor(cast.admin.id).issue.list({
        projectKey: cast.key,
        sort: "severity",
        cursor: encodeCursor(["NOPE", 3]),
      }),
      "Invalid cursor",
    );
  });

  it("requirement.list sorted by update time with a cursor in year −100000", async () => {
    await expectBadRequest(
      callerFor(cast.admin.id).requirement.list({
        projectKey: cast.key,
        sort: "updated",
        cursor: encodeCursor(["-100000-01-01T00:00:00.000Z", "x"]),
      }),
      "Invalid cursor",
    );
  });

  it("stats.daily from 0000-01-01", async () => {
    await expectZodError(
      callerFor(cast.admin.id).stats.daily({ projectKey: cast.key, from: "0000-01-01", to: "0000-01-02" }),
      "must be between 1900-01-01 and 9999-12-31",
    );
  });

  it("audit.list from -100000-01-01", async () => {
    await expectZodError(
      callerFor(cast.instanceAdmin.id).audit.list({ from: "-100000-01-01" as unknown as Date }),
      "must be between 1900-01-01 and 9999-12-31",
    );
    await expectZodError(
      callerFor(cast.admin.id).audit.list({ projectKey: cast.key, to: "+275760-01-01" as unknown as Date }),
      "must be between 1900-01-01 and 9999-12-31",
    );
  });

  it("lists of UUID rows with a well-formed cursor whose id is not a UUID", async () => {
    // The shape of every (time, id) cursor, with the kind of id other lists hand out.
    const cursor = encodeCursor([new Date().toISOString(), "cmxa3yfxz000bjq7d34gthjcz"]);
    const admin = callerFor(cast.admin.id);
    await expectBadRequest(admin.notification.list({ cursor }), "Invalid cursor");
    await expectBadRequest(admin.webhook.list({ projectKey: cast.key, cursor }), "Invalid cursor");
    await expectBadRequest(admin.webhook.deliveries({ projectKey: cast.key, webhookId, cursor }), "Invalid cursor");
  });

  it("a NUL character in a string, an id, a search or a settings key", async () => {
    const admin = callerFor(cast.admin.id);
    const issuesBefore = (await admin.issue.list({ projectKey: cast.key })).items.length;
    await expectBadRequest(
      admin.requirement.create({ projectKey: cast.key, title: "Fine", statement: "a\u0000b" }),
      /^statement: Text must not contain the NUL character/,
    );
    await expectBadRequest(admin.requirement.update({ key: requirementKey, expectedVersion: 2, changeNote: "\u0000" }));
    await expectBadRequest(admin.issue.create({ projectKey: cast.key, title: "\u0000" }));
    await expectBadRequest(admin.issue.list({ projectKey: cast.key, q: "\u0000" }));
    await expectBadRequest(admin.issue.comments.edit({ key: issueKey, commentId: "\u0000", body: "x" }));
    await expectBadRequest(admin.search.query({ q: "word\u0000" }));
    await expectBadRequest(admin.baseline.compare({ projectKey: cast.key, from: "\u0000", to: "HEAD" }));
    await expectBadRequest(admin.project.members.remove({ projectKey: cast.key, userId: "\u0000" }));
    await expectBadRequest(callerFor(cast.instanceAdmin.id).audit.list({ action: "\u0000" }));
    const project = await admin.project.byKey({ projectKey: cast.key });
    await expectBadRequest(
      admin.project.update({
        projectKey: cast.key,
        expectedVersion: project.version,
        settings: { theme: { "dark\u0000": [1, "x"] } },
      }),
      /^settings\.theme\.dark\\u0000: /,
    );
    // Input the wire format can carry but no schema takes: still a clear answer.
    const mapWithObjectKey = new Map<unknown, unknown>([[Object.create(null), ["\u0000"]]]) as never;
    await expectBadRequest(admin.issue.byKey(mapWithObjectKey), /^\(key\)\.0: Text must not contain/);
    await expectTRPCError(callerFor(null).user.me(new Map([[{}, 1]]) as never), "UNAUTHORIZED");
    // The same answer whoever asks, and nothing was written.
    await expectBadRequest(callerFor(cast.nonMember.id).issue.create({ projectKey: cast.key, title: "\u0000" }));
    expect((await admin.issue.list({ projectKey: cast.key })).items).toHaveLength(issuesBefore);
  });

  it("an unpaired surrogate in a string, an id or a settings key", async () => {
    const admin = callerFor(cast.admin.id);
    await expectBadRequest(
      admin.requirement.create({ projectKey: cast.key, title: "Fine", statement: "half an emoji \uD83D" }),
      /^statement: Text must be valid Unicode/,
    );
    await expectBadRequest(admin.issue.create({ projectKey: cast.key, title: "\uDE00 low half first" }));
    await expectBadRequest(admin.issue.list({ projectKey: cast.key, q: "\uD800" }));
    await expectBadRequest(admin.issue.comments.delete({ key: issueKey, commentId: "\uD800" }));
    await expectBadRequest(callerFor(cast.instanceAdmin.id).audit.list({ action: "\uD800" }));
    const project = await admin.project.byKey({ projectKey: cast.key });
    await expectBadRequest(
      admin.project.update({ projectKey: cast.key, expectedVersion: project.version, settings: { "\uDFFF": 1 } }),
      /^settings\.\\udfff: Text must be valid Unicode/,
    );
    // A whole pair is ordinary text.
    const ok = await admin.issue.create({ projectKey: cast.key, title: "Emoji \uD83D\uDE00 are fine" });
    expect(ok.title).toBe("Emoji 😀 are fine");
  });

  it("project settings nested hundreds of levels deep", async () => {
    const admin = callerFor(cast.admin.id);
    const nested = (depth: number) => {
      let value: unknown = {};
      for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
      return value;
    };
    for (const depth of [200, 1_000, 20_000]) {
      const { version } = await admin.project.byKey({ projectKey: cast.key });
      await expectZodError(
        admin.project.update({ projectKey: cast.key, expectedVersion: version, settings: { deep: nested(depth) } }),
        "Settings nest at most 32 levels",
      );
    }
    const { version } = await admin.project.byKey({ projectKey: cast.key });
    const updated = await admin.project.update({
      projectKey: cast.key,
      expectedVersion: version,
      settings: { deep: nested(20) },
    });
    expect(updated.settings).toMatchObject({ deep: nested(20) });
  });

  it("keys the wire format refuses, in settings or as an attribute key", async () => {
    // Stored, they made every later read of the project or its requirements a 500.
    const admin = callerFor(cast.admin.id);
    const settingsWith = async (settings: Record<string, unknown>) => {
      const { version } = await admin.project.byKey({ projectKey: cast.key });
      return admin.project.update({ projectKey: cast.key, expectedVersion: version, settings });
    };
    await expectZodError(
      settingsWith({ requirementAttributes: [{ key: "constructor", label: "C", type: "text" }] }),
      "Attribute keys cannot be constructor or prototype",
    );
    await expectZodError(settingsWith({ theme: { prototype: 1 } }), 'Keys cannot be "__proto__"');
    await expectZodError(settingsWith(JSON.parse('{"constructor":{"a":1}}')), 'Keys cannot be "__proto__"');
    await expectZodError(settingsWith(JSON.parse('{"list":[{"__proto__":{"a":1}}]}')), 'Keys cannot be "__proto__"');
  });

  it("requirement.diff from version 3000000000", async () => {
    await expectZodError(
      callerFor(cast.admin.id).requirement.diff({ key: requirementKey, from: 3_000_000_000, to: 1 }),
      "at most 2147483647",
    );
  });
});

describe("forged cursors are BAD_REQUEST on every paged list", () => {
  const lists: [string, (cursor: string) => Promise<unknown>][] = [
    [
      "issue.list by key",
      (cursor) => callerFor(cast.admin.id).issue.list({ projectKey: cast.key, sort: "key", cursor }),
    ],
    [
      "issue.list by severity",
      (cursor) => callerFor(cast.admin.id).issue.list({ projectKey: cast.key, sort: "severity", cursor }),
    ],
    ["issue.list by update", (cursor) => callerFor(cast.admin.id).issue.list({ projectKey: cast.key, cursor })],
    ["issue.comments.list", (cursor) => callerFor(cast.admin.id).issue.comments.list({ key: issueKey, cursor })],
    [
      "requirement.list by key",
      (cursor) => callerFor(cast.admin.id).requirement.list({ projectKey: cast.key, cursor }),
    ],
    [
      "requirement.list by update",
      (cursor) => callerFor(cast.admin.id).requirement.list({ projectKey: cast.key, sort: "updated", cursor }),
    ],
    ["requirement.history", (cursor) => callerFor(cast.admin.id).requirement.history({ key: requirementKey, cursor })],
    ["baseline.list", (cursor) => callerFor(cast.admin.id).baseline.list({ projectKey: cast.key, cursor })],
    [
      "baseline.byId",
      (cursor) => callerFor(cast.admin.id).baseline.byId({ projectKey: cast.key, id: baselineId, cursor }),
    ],
    ["search.query", (cursor) => callerFor(cast.admin.id).search.query({ q: "hostile", cursor })],
    ["audit.list", (cursor) => callerFor(cast.admin.id).audit.list({ projectKey: cast.key, cursor })],
    ["notification.list", (cursor) => callerFor(cast.admin.id).notification.list({ cursor })],
    ["webhook.list", (cursor) => callerFor(cast.admin.id).webhook.list({ projectKey: cast.key, cursor })],
    [
      "webhook.deliveries",
      (cursor) => callerFor(cast.admin.id).webhook.deliveries({ projectKey: cast.key, webhookId, cursor }),
    ],
  ];

  for (const [name, list] of lists) {
    it(name, async () => {
      for (const [kind, cursor] of FORGED) {
        const err = await list(cursor).then(
          () => new Error(`${name} accepted a cursor with ${kind}`),
          (e: unknown) => e,
        );
        expect(err, `${name} with ${kind}`).toBeInstanceOf(TRPCError);
        expect((err as TRPCError).code, `${name} with ${kind}`).toBe("BAD_REQUEST");
        expect((err as TRPCError).message).toBe("Invalid cursor");
      }
    });
  }

  it("a real cursor still pages", async () => {
    const admin = callerFor(cast.admin.id);
    const first = await admin.requirement.history({ key: requirementKey, limit: 1 });
    expect(first.items.map((v) => v.version)).toEqual([2]);
    const second = await admin.requirement.history({ key: requirementKey, limit: 1, cursor: first.nextCursor! });
    expect(second.items.map((v) => v.version)).toEqual([1]);
    expect(second.nextCursor).toBeNull();
  });
});

describe("numbers and strings are bounded", () => {
  it("expectedVersion 2**31 is BAD_REQUEST everywhere it is taken", async () => {
    const admin = callerFor(cast.admin.id);
    const tooBig = 2 ** 31;
    await expectZodError(
      admin.requirement.update({ key: requirementKey, expectedVersion: tooBig, title: "x" }),
      "at most 2147483647",
    );
    await expectZodError(
      admin.requirement.transition({ key: requirementKey, expectedVersion: tooBig, to: "IN_REVIEW" }),
      "at most",
    );
    await expectZodError(
      admin.requirement.restore({ key: requirementKey, expectedVersion: 2, version: tooBig }),
      "at most",
    );
    await expectZodError(admin.issue.update({ key: issueKey, expectedVersion: tooBig, title: "x" }), "at most");
    await expectZodError(admin.project.update({ projectKey: cast.key, expectedVersion: tooBig, name: "x" }), "at most");
  });

  it("a 300-character string where a short one is expected is BAD_REQUEST", async () => {
    const admin = callerFor(cast.admin.id);
    const long = "A".repeat(300);
    await expectBadRequest(admin.project.byKey({ projectKey: long }));
    await expectBadRequest(admin.requirement.byKey({ key: `${cast.key}-${"1".repeat(296)}` }));
    await expectBadRequest(admin.issue.create({ projectKey: cast.key, title: long }));
    await expectBadRequest(admin.baseline.create({ projectKey: cast.key, name: long }));
    await expectBadRequest(admin.issue.list({ projectKey: cast.key, cursor: long }));
    await expectBadRequest(admin.audit.list({ projectKey: cast.key, action: long }));
  });

  it("a date attribute outside 1900–9999 is BAD_REQUEST", async () => {
    const admin = callerFor(cast.admin.id);
    const project = await admin.project.byKey({ projectKey: cast.key });
    await admin.project.update({
      projectKey: cast.key,
      expectedVersion: project.version,
      settings: { requirementAttributes: [{ key: "due", label: "Due", type: "date", required: false }] },
    });
    await expectBadRequest(
      admin.requirement.create({ projectKey: cast.key, title: "Dated", attributes: { due: "0000-01-01" } }),
      /between 1900-01-01 and 9999-12-31/,
    );
  });
});
