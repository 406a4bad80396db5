/**
 * The account lifecycle against the real database, over the real tRPC
 * endpoint with session cookies where a browser is involved: sessions with
 * state (sign-out, sign-out everywhere, password change and reset,
 * deactivation, idle and absolute lifetimes), single-use links by email
 * (read from the mail folder), verified addresses, and sign-up that tells
 * nobody which addresses have accounts.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { encode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import * as trpcRoute from "@/app/api/trpc/[trpc]/route";
import { resetEnvCache } from "@/lib/env.mjs";
import { AccountDeactivatedError, buildAuthOptions } from "@/server/auth/options";
import { verifyPassword } from "@/server/auth/password";
import { endSessionsOf } from "@/server/auth/sessions";
import { db } from "@/server/db";
import { toDomainEvent } from "@/server/events/domain-events";
import { handleInProcess } from "@/server/jobs/dispatcher";
import { type LiveMessage, openLiveStream } from "@/server/live/stream";

import {
  addMembership,
  callerFor,
  createProjectWithCast,
  createUser,
  expectTRPCError,
  uniqueEmail,
} from "../helpers/factories";
import { drainOutbox, mailTo } from "../helpers/mail";
import { sessionCookieFor, sessionTokenFor, until } from "../helpers/session";

const PASSWORD = "granite-heron-window-31";
let dataDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "specline-accounts-"));
  process.env.DATA_DIR = dataDir;
  delete process.env.SMTP_URL;
  resetEnvCache();
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  for (const name of ["APP_URL", "REQUIRE_EMAIL_VERIFICATION", "SIGNUP_MODE", "SIGNUP_DOMAINS"]) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  resetEnvCache();
});

/* ------------------------------------------------------------------ helpers */

/** One call over HTTP as a browser with `cookie` makes it: a query by GET, a mutation by POST. */
async function call(cookie: string | null, procedure: string, input?: unknown, method: "GET" | "POST" = "GET") {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const url = new URL(`http://localhost/api/trpc/${procedure}`);
  let req: Request;
  if (method === "GET") {
    if (input !== undefined) url.searchParams.set("input", JSON.stringify({ json: input }));
    req = new Request(url, { headers });
  } else {
    req = new Request(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(input === undefined ? {} : { json: input }),
    });
  }
  const res = method === "GET" ? await trpcRoute.GET(req) : await trpcRoute.POST(req);
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: JSON.parse(text) as {
      result?: { data: { json: unknown } };
      error?: { json: { data: { code: string; details: Record<string, unknown> | null } } };
    },
  };
}

const me = (cookie: string) => call(cookie, "user.me");
const mutate = (cookie: string | null, procedure: string, input?: unknown) => call(cookie, procedure, input, "POST");

const userWithPassword = (opts: { verified?: boolean; role?: "ADMIN" | "USER" } = {}) =>
  createUser({ ...opts, password: PASSWORD });

function linkIn(mail: string, page: string): string {
  const match = mail.match(new RegExp(`/${page}\\?token=([A-Za-z0-9_-]{43})`));
  if (!match) throw new Error(`no ${page} link in:\n${mail}`);
  return match[1]!;
}

/** Signs in through next-auth's own callbacks (as its credentials endpoint does) and returns the cookie. */
async function signInThroughNextAuth(userId: string) {
  const options = buildAuthOptions({ userAgent: "Mozilla/5.0 (Macintosh) Firefox/140.0", ip: "203.0.113.9" });
  const token = await options.callbacks!.jwt!({
    token: {},
    user: { id: userId },
    account: { provider: "credentials", type: "credentials", providerAccountId: userId },
  } as never);
  const cookie = `next-auth.session-token=${await encode({ token, secret: process.env.AUTH_SECRET as string })}`;
  return { options, token, cookie };
}

/* ----------------------------------------------------------------- sessions */

describe("sessions", () => {
  it("a copied session cookie stops working the moment its session signs out", async () => {
    const user = await userWithPassword();
    const { options, token, cookie } = await signInThroughNextAuth(user.id);
    const copied = cookie;
    expect((await me(cookie)).status).toBe(200);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);

    await options.events!.signOut!({ token } as never);
    expect((await me(copied)).status).toBe(401);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("sign out everywhere ends every session of the user, this one included, and nobody else's", async () => {
    const user = await userWithPassword();
    const other = await userWithPassword();
    const [laptop, phone, theirs] = await Promise.all([
      sessionCookieFor(user.id),
      sessionCookieFor(user.id),
      sessionCookieFor(other.id),
    ]);
    const res = await mutate(laptop, "user.signOutEverywhere");
    expect(res.status).toBe(200);
    expect(res.json.result?.data.json).toEqual({ endedSessions: 2 });
    expect((await me(laptop)).status).toBe(401);
    expect((await me(phone)).status).toBe(401);
    expect((await me(theirs)).status).toBe(200);
  });

  it("a password change keeps this browser, ends the others, and only the new password works", async () => {
    const user = await userWithPassword();
    const [here, elsewhere] = await Promise.all([sessionCookieFor(user.id), sessionCookieFor(user.id)]);
    const wrong = await mutate(here, "user.changePassword", {
      currentPassword: "not-the-password-9",
      newPassword: "silver-comet-lantern-88",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error?.json.data.details).toMatchObject({ fieldErrors: { currentPassword: expect.any(Array) } });
    expect((await me(elsewhere)).status).toBe(200);

    const ok = await mutate(here, "user.changePassword", {
      currentPassword: PASSWORD,
      newPassword: "silver-comet-lantern-88",
    });
    expect(ok.status).toBe(200);
    expect((await me(here)).status).toBe(200);
    expect((await me(elsewhere)).status).toBe(401);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword(row.passwordHash!, "silver-comet-lantern-88")).toBe(true);
    expect(await verifyPassword(row.passwordHash!, PASSWORD)).toBe(false);
    expect(await db.auditEvent.count({ where: { entityId: user.id, action: "user.password_changed" } })).toBe(1);
  });

  it("ends a session idle past its timeout or past its lifetime, and moves the idle timeout on with use", async () => {
    const user = await userWithPassword();
    const idle = await sessionTokenFor(user.id);
    await db.session.update({ where: { id: idle.sessionId }, data: { idleExpiresAt: new Date(Date.now() - 1000) } });
    expect((await me(`next-auth.session-token=${idle.token}`)).status).toBe(401);

    const old = await sessionTokenFor(user.id);
    await db.session.update({ where: { id: old.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await me(`next-auth.session-token=${old.token}`)).status).toBe(401);

    // Seen two minutes ago, ending in a day: a request moves last-seen to now and the idle end up to the absolute end.
    const used = await sessionTokenFor(user.id);
    const end = new Date(Date.now() + 86_400_000);
    await db.session.update({
      where: { id: used.sessionId },
      data: {
        lastSeenAt: new Date(Date.now() - 120_000),
        idleExpiresAt: new Date(Date.now() + 60_000),
        expiresAt: end,
      },
    });
    expect((await me(`next-auth.session-token=${used.token}`)).status).toBe(200);
    const row = await db.session.findUniqueOrThrow({ where: { id: used.sessionId } });
    expect(Date.now() - row.lastSeenAt.getTime()).toBeLessThan(10_000);
    expect(row.idleExpiresAt.getTime()).toBe(end.getTime());
  });

  it("lists the caller's sessions by a handle, the current one marked, and ends one; another's is NOT_FOUND", async () => {
    const user = await userWithPassword();
    const other = await userWithPassword();
    const here = await signInThroughNextAuth(user.id);
    const there = await sessionTokenFor(user.id);
    const theirs = await sessionTokenFor(other.id);
    const list = (await call(here.cookie, "user.sessions.list")).json.result?.data.json as {
      id: string;
      current: boolean;
      userAgent: string | null;
      ip: string | null;
    }[];
    expect(list).toHaveLength(2);
    const current = list.find((s) => s.current);
    expect(current).toMatchObject({ userAgent: "Mozilla/5.0 (Macintosh) Firefox/140.0", ip: "203.0.113.9" });
    // The id inside the cookie never leaves it.
    expect(list.map((s) => s.id)).not.toContain(here.token.sid);
    expect(list.map((s) => s.id)).not.toContain(there.sessionId);

    const theirList = (await call(`next-auth.session-token=${theirs.token}`, "user.sessions.list")).json.result?.data
      .json as { id: string }[];
    const theirHandle = theirList[0]!.id;
    const refused = await mutate(here.cookie, "user.sessions.revoke", { id: theirHandle });
    expect(refused.json.error?.json.data.code).toBe("NOT_FOUND");
    expect((await me(`next-auth.session-token=${theirs.token}`)).status).toBe(200);

    const otherHandle = list.find((s) => !s.current)!.id;
    expect((await mutate(here.cookie, "user.sessions.revoke", { id: otherHandle })).status).toBe(200);
    expect((await me(`next-auth.session-token=${there.token}`)).status).toBe(401);
    expect((await me(here.cookie)).status).toBe(200);
  });

  it("treats a cookie without a session id (issued before sessions had ids) as signed out", async () => {
    const user = await userWithPassword();
    const token = await encode({ token: { sub: user.id }, secret: process.env.AUTH_SECRET as string });
    expect((await me(`next-auth.session-token=${token}`)).status).toBe(401);
  });

  it("behind an https app URL reads only the __Secure- cookie", async () => {
    const user = await userWithPassword();
    const { token } = await sessionTokenFor(user.id);
    process.env.APP_URL = "https://specline.example";
    resetEnvCache();
    expect((await me(`next-auth.session-token=${token}`)).status).toBe(401);
    expect((await me(`__Secure-next-auth.session-token=${token}`)).status).toBe(200);
  });

  it("ends an open live stream when its session ends", async () => {
    const cast = await createProjectWithCast();
    const { sessionId } = await sessionTokenFor(cast.maintainer.id);
    const stream = await openLiveStream({
      userId: cast.maintainer.id,
      sessionId,
      projectKey: cast.key,
      requestId: "session-ends",
    });
    const sent: LiveMessage[] = [];
    let failure: unknown = null;
    const detach = stream.attach({
      send: (message) => {
        sent.push(message);
        return true;
      },
      onDrain: () => {},
      fail: (error) => {
        failure = error;
      },
    });
    try {
      await until(() => sent.length > 0);
      await endSessionsOf(cast.maintainer.id);
      await until(() => failure !== null);
      expect(failure).toMatchObject({ code: "UNAUTHORIZED" });
    } finally {
      detach();
    }
  });
});

/* ----------------------------------------------------------- password reset */

describe("password reset", () => {
  it("answers a known and an unknown address alike, and emails only the known one", async () => {
    const user = await userWithPassword();
    const unknown = uniqueEmail("nobody");
    const known = await mutate(null, "auth.requestPasswordReset", { email: user.email });
    const stranger = await mutate(null, "auth.requestPasswordReset", { email: unknown });
    expect(known.status).toBe(200);
    expect(stranger.status).toBe(known.status);
    expect(stranger.text).toBe(known.text);
    await drainOutbox();
    expect(await mailTo(dataDir, user.email)).toHaveLength(1);
    expect(await mailTo(dataDir, unknown)).toHaveLength(0);
  });

  it("sets a new password with the emailed link once, ends every session, and stores only the link's hash", async () => {
    const user = await userWithPassword();
    const [a, b] = await Promise.all([sessionCookieFor(user.id), sessionCookieFor(user.id)]);
    await mutate(null, "auth.requestPasswordReset", { email: user.email.toUpperCase() });
    await drainOutbox();
    const [mail] = await mailTo(dataDir, user.email);
    const token = linkIn(mail!, "reset-password");

    const row = await db.accountToken.findFirstOrThrow({ where: { userId: user.id, purpose: "PASSWORD_RESET" } });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(30 * 60_000);
    const stored = JSON.stringify(await db.outboxEvent.findMany({ select: { payload: true } }));
    expect(stored).not.toContain(token);

    const reset = await mutate(null, "auth.resetPassword", { token, password: "harbor-lights-beacon-5" });
    expect(reset.status).toBe(200);
    expect((await me(a)).status).toBe(401);
    expect((await me(b)).status).toBe(401);
    const updated = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } });
    expect(await verifyPassword(updated.passwordHash!, "harbor-lights-beacon-5")).toBe(true);

    const again = await mutate(null, "auth.resetPassword", { token, password: "another-try-again-77" });
    expect(again.status).toBe(400);
    expect(again.json.error?.json.data.details).toEqual({ reason: "invalid_token" });
  });

  it("refuses an expired link, a link for another purpose and a forged one alike", async () => {
    const user = await userWithPassword();
    await mutate(null, "auth.requestPasswordReset", { email: user.email });
    await drainOutbox();
    const token = linkIn((await mailTo(dataDir, user.email))[0]!, "reset-password");
    await db.accountToken.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    for (const attempt of [token, "A".repeat(43)]) {
      const res = await mutate(null, "auth.resetPassword", { token: attempt, password: "harbor-lights-beacon-5" });
      expect(res.status).toBe(400);
      expect(res.json.error?.json.data.details).toEqual({ reason: "invalid_token" });
    }
    await expectTRPCError(callerFor(null).auth.verifyEmail({ token }), "BAD_REQUEST");
    const malformed = await mutate(null, "auth.resetPassword", { token: "short", password: "harbor-lights-beacon-5" });
    expect(malformed.status).toBe(400);
  });

  it("sends the same link when a delivery is retried, and at most three links an hour to one account", async () => {
    const user = await userWithPassword();
    await mutate(null, "auth.requestPasswordReset", { email: user.email });
    const event = await db.outboxEvent.findFirstOrThrow({
      where: { type: "account.password_reset_requested", dispatchedAt: null },
      orderBy: { createdAt: "desc" },
    });
    const domainEvent = toDomainEvent(event);
    await handleInProcess(domainEvent);
    await handleInProcess(domainEvent);
    const mails = await mailTo(dataDir, user.email);
    expect(mails).toHaveLength(1);
    expect(await db.accountToken.count({ where: { userId: user.id } })).toBe(1);
    await drainOutbox();

    for (let i = 0; i < 4; i++) await mutate(null, "auth.requestPasswordReset", { email: user.email });
    await drainOutbox();
    expect(await db.accountToken.count({ where: { userId: user.id } })).toBe(3);
  });
});

/* ------------------------------------------------------------- deactivation */

describe("deactivation", () => {
  it("ends the user's sessions at once, refuses sign-in, keeps them listed, and reactivation lets them back", async () => {
    const admin = await userWithPassword({ role: "ADMIN" });
    const user = await userWithPassword();
    const cookie = await sessionCookieFor(user.id);
    const adminCookie = await sessionCookieFor(admin.id);
    const res = await mutate(adminCookie, "user.setActive", { userId: user.id, active: false });
    expect(res.status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);

    const credentials = buildAuthOptions().providers[0] as unknown as {
      options: { authorize: (c: unknown, r: unknown) => Promise<unknown> };
    };
    const signIn = (password: string) =>
      credentials.options.authorize({ email: user.email, password }, { headers: {} });
    await expect(signIn(PASSWORD)).rejects.toBeInstanceOf(AccountDeactivatedError);
    // A wrong password learns nothing about the account.
    await expect(signIn("wrong-password-123")).resolves.toBeNull();

    const listed = await callerFor(admin.id).user.list({ query: user.email });
    expect(listed.items[0]).toMatchObject({ id: user.id, deactivatedAt: expect.any(Date) });

    await callerFor(admin.id).user.setActive({ userId: user.id, active: true });
    await expect(signIn(PASSWORD)).resolves.toMatchObject({ id: user.id });
  });

  it("sends a deactivated member no notifications", async () => {
    const cast = await createProjectWithCast();
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Brakes squeal" });
    await callerFor(cast.maintainer.id).subscription.set({ key: issue.key, watching: true });
    await callerFor(cast.admin.id).subscription.set({ key: issue.key, watching: true });
    await drainOutbox();
    await callerFor(cast.instanceAdmin.id).user.setActive({ userId: cast.maintainer.id, active: false });
    const before = {
      maintainer: await db.notification.count({ where: { userId: cast.maintainer.id } }),
      projectAdmin: await db.notification.count({ where: { userId: cast.admin.id } }),
    };
    await callerFor(cast.reporter.id).issue.comments.add({ key: issue.key, body: "Still squealing" });
    await drainOutbox();
    expect(await db.notification.count({ where: { userId: cast.admin.id } })).toBe(before.projectAdmin + 1);
    expect(await db.notification.count({ where: { userId: cast.maintainer.id } })).toBe(before.maintainer);
  });

  it("keeps a deactivated member's name on their work, marked, and refuses to assign them anything", async () => {
    const cast = await createProjectWithCast();
    const issue = await callerFor(cast.maintainer.id).issue.create({ projectKey: cast.key, title: "Horn too quiet" });
    await callerFor(cast.instanceAdmin.id).user.setActive({ userId: cast.maintainer.id, active: false });
    const shown = await callerFor(cast.admin.id).issue.byKey({ key: issue.key });
    expect(shown.reporter).toMatchObject({ id: cast.maintainer.id, deactivatedAt: expect.any(Date) });
    const members = await callerFor(cast.admin.id).project.members.list({ projectKey: cast.key });
    expect(members.items.find((m) => m.user.id === cast.maintainer.id)?.user.deactivatedAt).toBeInstanceOf(Date);
    await expectTRPCError(
      callerFor(cast.admin.id).issue.assign({
        key: issue.key,
        expectedVersion: shown.version,
        assigneeId: cast.maintainer.id,
      }),
      "BAD_REQUEST",
    );
  });

  it("never deactivates the last active instance admin, even when two admins deactivate each other at once", async () => {
    await db.user.updateMany({ where: { role: "ADMIN" }, data: { deactivatedAt: new Date() } });
    const [one, two] = [await createUser({ role: "ADMIN" }), await createUser({ role: "ADMIN" })];
    const results = await Promise.allSettled([
      callerFor(one.id).user.setActive({ userId: two.id, active: false }),
      callerFor(two.id).user.setActive({ userId: one.id, active: false }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count({ where: { role: "ADMIN", deactivatedAt: null } })).toBe(1);
    const [last] = await db.user.findMany({ where: { role: "ADMIN", deactivatedAt: null } });
    await expectTRPCError(callerFor(last!.id).user.setActive({ userId: last!.id, active: false }), "CONFLICT");
  });
});

/* ------------------------------------------------------- verified addresses */

describe("verified addresses", () => {
  it("lets an unverified account sign in and verify, and nothing else, until it follows the emailed link", async () => {
    process.env.REQUIRE_EMAIL_VERIFICATION = "true";
    resetEnvCache();
    const email = uniqueEmail("new");
    const answer = await mutate(null, "auth.register", { email, name: "New Person", password: PASSWORD });
    expect(answer.json.result?.data.json).toEqual({ ok: true, verificationRequired: true });
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(user.emailVerifiedAt).toBeNull();
    const cookie = await sessionCookieFor(user.id);

    expect((await me(cookie)).status).toBe(200);
    const refused = await mutate(cookie, "project.create", { key: "UNVERIF", name: "Not yet" });
    expect(refused.status).toBe(403);
    expect(refused.json.error?.json.data.details).toEqual({ reason: "email_unverified" });
    expect((await call(cookie, "project.list", {})).status).toBe(403);

    await drainOutbox();
    const token = linkIn((await mailTo(dataDir, email))[0]!, "verify-email");
    expect((await mutate(null, "auth.verifyEmail", { token })).status).toBe(200);
    expect((await mutate(cookie, "project.create", { key: "VERIFIED", name: "Now" })).status).toBe(200);
    expect((await mutate(null, "auth.verifyEmail", { token })).status).toBe(400);
  });

  it("sends the link again on request, and not to a verified account", async () => {
    const unverified = await createUser({ verified: false });
    const verified = await createUser();
    await mutate(await sessionCookieFor(unverified.id), "auth.requestVerification");
    await mutate(await sessionCookieFor(verified.id), "auth.requestVerification");
    await drainOutbox();
    expect(await mailTo(dataDir, unverified.email)).toHaveLength(1);
    expect(await mailTo(dataDir, verified.email)).toHaveLength(0);
  });
});

/* ------------------------------------------------------------------ sign-up */

describe("sign-up", () => {
  it("answers the same for an address with an account, creates nothing, and tells that account's owner", async () => {
    const owner = await userWithPassword();
    const fresh = uniqueEmail("fresh");
    const before = await db.user.count();
    const taken = await mutate(null, "auth.register", {
      email: owner.email,
      name: "Impostor",
      password: "other-pass-word-1",
    });
    const created = await mutate(null, "auth.register", { email: fresh, name: "Fresh", password: "other-pass-word-1" });
    expect(taken.status).toBe(200);
    expect(taken.text).toBe(created.text);
    expect(await db.user.count()).toBe(before + 1);
    const kept = await db.user.findUniqueOrThrow({ where: { id: owner.id }, omit: { passwordHash: false } });
    expect(kept.name).not.toBe("Impostor");
    expect(await verifyPassword(kept.passwordHash!, PASSWORD)).toBe(true);
    await drainOutbox();
    const [notice] = await mailTo(dataDir, owner.email);
    expect(notice).toContain("Someone tried to sign up");
  });

  it("SIGNUP_MODE=domains admits the listed domains only; invite admits nobody on their own", async () => {
    process.env.SIGNUP_MODE = "domains";
    process.env.SIGNUP_DOMAINS = "corp.example, lab.example";
    resetEnvCache();
    const ok = await mutate(null, "auth.register", {
      email: `ana-${Date.now()}@lab.example`,
      name: "Ana",
      password: PASSWORD,
    });
    expect(ok.status).toBe(200);
    const outside = await mutate(null, "auth.register", { email: uniqueEmail("out"), name: "Out", password: PASSWORD });
    expect(outside.status).toBe(403);
    expect(outside.json.error?.json.data.details).toEqual({ reason: "signup_closed" });

    process.env.SIGNUP_MODE = "invite";
    resetEnvCache();
    const invited = await mutate(null, "auth.register", {
      email: `bo-${Date.now()}@corp.example`,
      name: "Bo",
      password: PASSWORD,
    });
    expect(invited.status).toBe(403);
  });
});

// Members of a project keep their membership while deactivated (their work keeps their name).
it("keeps a deactivated user's memberships", async () => {
  const cast = await createProjectWithCast();
  const extra = await createUser();
  await addMembership(cast.project.id, extra.id, "REPORTER");
  await callerFor(cast.instanceAdmin.id).user.setActive({ userId: extra.id, active: false });
  expect(await db.membership.count({ where: { userId: extra.id } })).toBe(1);
});
