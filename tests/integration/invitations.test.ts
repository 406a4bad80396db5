/**
 * Joining a project by invitation, and projects open for reporting, against
 * the real database: inviting answers alike for known and unknown addresses
 * and adds nobody; the invitee accepts (in the app or through the emailed
 * link, signing up through it if need be) or declines; admins revoke; and
 * anyone signed in reports issues in an open project, as a reporter.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { db } from "@/server/db";
import { invitationToken } from "@/server/services/projects/invitations";

import { callerFor, createProjectWithCast, createUser, expectTRPCError, uniqueEmail } from "../helpers/factories";
import { drainOutbox, mailTo } from "../helpers/mail";

const PASSWORD = "tundra-violin-anchor-58";
let dataDir: string;
const saved = { ...process.env };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "specline-invitations-"));
  process.env.DATA_DIR = dataDir;
  delete process.env.SMTP_URL;
  resetEnvCache();
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  for (const name of ["SIGNUP_MODE", "REQUIRE_EMAIL_VERIFICATION"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  resetEnvCache();
});

const isMember = async (projectId: string, userId: string) =>
  (await db.membership.findUnique({ where: { projectId_userId: { projectId, userId } } }))?.role ?? null;

describe("invitations", () => {
  it("answers alike for an address with an account and one without, and adds nobody until accepted", async () => {
    const cast = await createProjectWithCast();
    const known = await createUser();
    const unknown = uniqueEmail("stranger");
    const admin = callerFor(cast.admin.id);
    const a = await admin.project.members.add({ projectKey: cast.key, email: known.email, role: "MAINTAINER" });
    const b = await admin.project.members.add({ projectKey: cast.key, email: unknown, role: "MAINTAINER" });
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect({ ...a, id: "", email: "", createdAt: null, expiresAt: null }).toEqual({
      ...b,
      id: "",
      email: "",
      createdAt: null,
      expiresAt: null,
    });
    expect(await isMember(cast.project.id, known.id)).toBeNull();

    await drainOutbox();
    for (const address of [known.email, unknown]) {
      const [mail] = await mailTo(dataDir, address);
      expect(mail).toContain(`/invitations/`);
      expect(mail).toContain(cast.project.name);
    }
  });

  it("lets the invitee see and accept it in the app, joining with the invited role", async () => {
    const cast = await createProjectWithCast();
    const invitee = await createUser();
    const invitation = await callerFor(cast.admin.id).project.members.add({
      projectKey: cast.key,
      email: invitee.email,
      role: "MAINTAINER",
    });
    const mine = await callerFor(invitee.id).invitation.listMine();
    expect(mine).toEqual([expect.objectContaining({ id: invitation.id, role: "MAINTAINER" })]);
    expect(mine[0]?.project.key).toBe(cast.key);
    // Someone else cannot answer it by id.
    await expectTRPCError(callerFor(cast.nonMember.id).invitation.accept({ id: invitation.id }), "NOT_FOUND");

    await expect(callerFor(invitee.id).invitation.accept({ id: invitation.id })).resolves.toEqual({
      projectKey: cast.key,
      role: "MAINTAINER",
    });
    expect(await isMember(cast.project.id, invitee.id)).toBe("MAINTAINER");
    await expectTRPCError(callerFor(invitee.id).invitation.accept({ id: invitation.id }), "NOT_FOUND");
    expect(await callerFor(invitee.id).invitation.listMine()).toEqual([]);
  });

  it("joins once when the same invitation is accepted twice at the same moment", async () => {
    const cast = await createProjectWithCast();
    const invitee = await createUser();
    const { id } = await callerFor(cast.admin.id).project.members.add({
      projectKey: cast.key,
      email: invitee.email,
      role: "REPORTER",
    });
    const results = await Promise.allSettled([
      callerFor(invitee.id).invitation.accept({ id }),
      callerFor(invitee.id).invitation.accept({ token: invitationToken(id) }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.membership.count({ where: { projectId: cast.project.id, userId: invitee.id } })).toBe(1);
  });

  it("renews the open invitation when an address is invited again, and refuses a current member", async () => {
    const cast = await createProjectWithCast();
    const email = uniqueEmail("again");
    const admin = callerFor(cast.admin.id);
    const first = await admin.project.members.add({ projectKey: cast.key, email, role: "REPORTER" });
    const second = await admin.project.members.add({ projectKey: cast.key, email, role: "MAINTAINER" });
    expect(second.id).toBe(first.id);
    expect(second.role).toBe("MAINTAINER");
    expect(await db.invitation.count({ where: { projectId: cast.project.id, email } })).toBe(1);
    await expectTRPCError(
      admin.project.members.add({ projectKey: cast.key, email: cast.maintainer.email, role: "ADMIN" }),
      "CONFLICT",
    );
  });

  it("declines, and lets admins list and revoke; a revoked or declined invitation cannot be accepted", async () => {
    const cast = await createProjectWithCast();
    const [one, two] = [await createUser(), await createUser()];
    const admin = callerFor(cast.admin.id);
    const toOne = await admin.project.members.add({ projectKey: cast.key, email: one.email, role: "REPORTER" });
    const toTwo = await admin.project.members.add({ projectKey: cast.key, email: two.email, role: "REPORTER" });
    await callerFor(one.id).invitation.decline({ id: toOne.id });
    await admin.project.invitations.revoke({ projectKey: cast.key, id: toTwo.id });
    const listed = await admin.project.invitations.list({ projectKey: cast.key });
    expect(Object.fromEntries(listed.map((i) => [i.email, i.status]))).toMatchObject({
      [one.email]: "declined",
      [two.email]: "revoked",
    });
    await expectTRPCError(callerFor(one.id).invitation.accept({ id: toOne.id }), "NOT_FOUND");
    await expectTRPCError(callerFor(two.id).invitation.accept({ token: invitationToken(toTwo.id) }), "NOT_FOUND");
    await expectTRPCError(admin.project.invitations.revoke({ projectKey: cast.key, id: toTwo.id }), "NOT_FOUND");
    // Another project's admin cannot see or revoke them.
    const other = await createProjectWithCast();
    await expectTRPCError(
      callerFor(other.admin.id).project.invitations.revoke({ projectKey: cast.key, id: toOne.id }),
      "NOT_FOUND",
    );
  });

  it("an emailed link leads someone without an account through sign-up straight into the project, even when sign-up is by invitation only", async () => {
    process.env.SIGNUP_MODE = "invite";
    process.env.REQUIRE_EMAIL_VERIFICATION = "true";
    resetEnvCache();
    const cast = await createProjectWithCast();
    const email = uniqueEmail("newcomer");
    await callerFor(cast.admin.id).project.members.add({ projectKey: cast.key, email, role: "MAINTAINER" });
    await drainOutbox();
    const token = (await mailTo(dataDir, email))[0]?.match(/\/invitations\/([A-Za-z0-9_-]{43})/)?.[1];
    expect(token).toBeDefined();

    const preview = await callerFor(null).invitation.preview({ token: token! });
    expect(preview).toMatchObject({ email, role: "MAINTAINER", status: "open", project: { key: cast.key } });

    // Without the link, sign-up is closed; with it (for its address), it is open.
    await expectTRPCError(callerFor(null).auth.register({ email, name: "Newcomer", password: PASSWORD }), "FORBIDDEN");
    await callerFor(null).auth.register({ email, name: "Newcomer", password: PASSWORD, invitation: token });
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    // Following the link proved the address.
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(await isMember(cast.project.id, user.id)).toBe("MAINTAINER");
    expect((await callerFor(null).invitation.preview({ token: token! })).status).toBe("accepted");

    // A link for one address opens sign-up for that address only.
    const other = uniqueEmail("other");
    await expectTRPCError(
      callerFor(null).auth.register({ email: other, name: "Other", password: PASSWORD, invitation: token }),
      "FORBIDDEN",
    );
  });

  it("an unknown or forged link shows nothing", async () => {
    await expectTRPCError(callerFor(null).invitation.preview({ token: "A".repeat(43) }), "NOT_FOUND");
    await expectTRPCError(callerFor(null).invitation.preview({ token: "short" }), "BAD_REQUEST");
  });
});

describe("projects open for reporting", () => {
  it("makes anyone signed in a reporter there, listed with the project, and nobody more", async () => {
    const cast = await createProjectWithCast();
    const stranger = await createUser();
    await expectTRPCError(callerFor(stranger.id).issue.list({ projectKey: cast.key }), "NOT_FOUND");
    await callerFor(cast.admin.id).project.update({
      projectKey: cast.key,
      expectedVersion: 1,
      settings: { openReporting: true },
    });

    const me = callerFor(stranger.id);
    const listed = await me.project.list({});
    expect(listed.items.find((p) => p.key === cast.key)?.myRole).toBe("REPORTER");
    const issue = await me.issue.create({ projectKey: cast.key, title: "Found a typo on the login page" });
    await expect(me.issue.byKey({ key: issue.key })).resolves.toMatchObject({
      title: "Found a typo on the login page",
    });
    // A reporter: the maintainer's issues stay out of sight, triage is not theirs.
    const theirs = await callerFor(cast.maintainer.id).issue.create({ projectKey: cast.key, title: "Internal" });
    await expectTRPCError(me.issue.byKey({ key: theirs.key }), "NOT_FOUND");
    await expectTRPCError(
      me.issue.transition({ key: issue.key, expectedVersion: issue.version, to: "TRIAGED" }),
      "FORBIDDEN",
    );
    // Not a member: the members list is unchanged.
    expect(await db.membership.count({ where: { projectId: cast.project.id, userId: stranger.id } })).toBe(0);
  });

  it("keeps unverified and deactivated people out, and closing the project takes the role away at once", async () => {
    const cast = await createProjectWithCast();
    await callerFor(cast.admin.id).project.update({
      projectKey: cast.key,
      expectedVersion: 1,
      settings: { openReporting: true },
    });
    const unverified = await createUser({ verified: false });
    await expectTRPCError(callerFor(unverified.id).issue.list({ projectKey: cast.key }), "FORBIDDEN");
    const reporter = await createUser();
    await expect(callerFor(reporter.id).issue.list({ projectKey: cast.key })).resolves.toBeDefined();

    await callerFor(cast.admin.id).project.update({ projectKey: cast.key, expectedVersion: 2, settings: {} });
    await expectTRPCError(callerFor(reporter.id).issue.list({ projectKey: cast.key }), "NOT_FOUND");
  });

  it("notifies an open-project reporter about the issue they reported", async () => {
    const cast = await createProjectWithCast();
    await callerFor(cast.admin.id).project.update({
      projectKey: cast.key,
      expectedVersion: 1,
      settings: { openReporting: true },
    });
    const reporter = await createUser();
    const issue = await callerFor(reporter.id).issue.create({ projectKey: cast.key, title: "Export fails" });
    await drainOutbox();
    await callerFor(cast.maintainer.id).issue.transition({
      key: issue.key,
      expectedVersion: issue.version,
      to: "TRIAGED",
    });
    await drainOutbox();
    expect(await db.notification.count({ where: { userId: reporter.id } })).toBe(1);
  });
});
