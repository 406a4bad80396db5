/**
 * The permission matrix: every procedure of the AppRouter × every kind of
 * caller, with the expected outcome from one table. A procedure added to the
 * router without a row here fails the first test.
 */
import { generate } from "otplib";
import { beforeAll, describe, expect, it } from "vitest";

import { appRouter, createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { deriveAccountToken, hashAccountToken } from "@/server/auth/account-tokens";
import { createApiToken } from "@/server/auth/api-tokens";
import { hashPassword } from "@/server/auth/password";
import { sessionHandle, startSession } from "@/server/auth/sessions";
import { confirmTwoFactorSetup, startTwoFactorSetup } from "@/server/auth/two-factor";
import { db } from "@/server/db";
import { invitationToken } from "@/server/services/projects/invitations";

import {
  addMembership,
  callerFor,
  createProjectWithCast,
  createUser,
  expectTRPCError,
  uniqueEmail,
  uniqueProjectKey,
} from "../helpers/factories";

type ActorName =
  | "anonymous"
  | "nonMember"
  | "reporter"
  | "maintainer"
  | "projectAdmin"
  | "instanceAdmin"
  | "openReporter";
type Outcome = "ok" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND";

/**
 * The seventh, `openReporter`, is a signed-in non-member of a project open for reporting: every row runs
 * for them against a second fixture whose project is open, and they may do exactly what a reporter may
 * (unless a row says otherwise) — their own issue there is the one they reported.
 */
const ACTORS: ActorName[] = [
  "anonymous",
  "nonMember",
  "reporter",
  "maintainer",
  "projectAdmin",
  "instanceAdmin",
  "openReporter",
];

type Fixture = Awaited<ReturnType<typeof createProjectWithCast>> & {
  target: { id: string };
  requirementKey: string;
  baselineId: string;
  /** Reported by the project admin: a reporter must not see it. */
  adminIssueKey: string;
  /** Reported by the reporter: every member sees it. */
  reporterIssueKey: string;
};

interface Row {
  /** Builds a valid input; called once per actor (with the actor's id) so mutations never collide. */
  input: (f: Fixture, actorId: string | null) => Promise<unknown> | unknown;
  /** Outcomes per actor; `openReporter`, when absent, is the reporter's. */
  expect: Omit<Record<ActorName, Outcome>, "openReporter"> & { openReporter?: Outcome };
}

type Outcomes = Row["expect"];

async function projectVersion(f: Fixture): Promise<number> {
  return (await db.project.findUniqueOrThrow({ where: { id: f.project.id }, select: { version: true } })).version;
}
const anyone: Outcomes = {
  anonymous: "ok",
  nonMember: "ok",
  reporter: "ok",
  maintainer: "ok",
  projectAdmin: "ok",
  instanceAdmin: "ok",
};
const signedIn: Outcomes = { ...anyone, anonymous: "UNAUTHORIZED" };
const instanceAdminOnly: Outcomes = {
  anonymous: "UNAUTHORIZED",
  nonMember: "FORBIDDEN",
  reporter: "FORBIDDEN",
  maintainer: "FORBIDDEN",
  projectAdmin: "FORBIDDEN",
  instanceAdmin: "ok",
};
const projectMembers: Outcomes = {
  anonymous: "UNAUTHORIZED",
  nonMember: "NOT_FOUND",
  reporter: "ok",
  maintainer: "ok",
  projectAdmin: "ok",
  instanceAdmin: "ok",
};
const projectMaintainers: Outcomes = { ...projectMembers, reporter: "FORBIDDEN" };
/** Members who may see an issue the reporter did not report and is not assigned to. */
const notTheReporters: Outcomes = { ...projectMembers, reporter: "NOT_FOUND" };
const projectAdmins: Outcomes = {
  ...projectMembers,
  reporter: "FORBIDDEN",
  maintainer: "FORBIDDEN",
};

const MATRIX: Record<string, Row> = {
  "auth.register": {
    input: () => ({ email: uniqueEmail("reg"), name: "New Person", password: "correct horse battery" }),
    expect: anyone,
  },
  "auth.requestPasswordReset": { input: () => ({ email: uniqueEmail("reset") }), expect: anyone },
  /** The link is the proof: whoever holds a valid one may use it. */
  "auth.resetPassword": {
    input: async () => ({ token: await accountLink("PASSWORD_RESET"), password: "a fresh passphrase 42" }),
    expect: anyone,
  },
  "auth.verifyEmail": { input: async () => ({ token: await accountLink("EMAIL_VERIFICATION") }), expect: anyone },
  "auth.requestVerification": { input: () => undefined, expect: signedIn },
  "user.me": { input: () => undefined, expect: signedIn },
  "apiToken.create": { input: () => ({ name: "Matrix token", scope: "read" }), expect: signedIn },
  "apiToken.list": { input: () => undefined, expect: signedIn },
  "apiToken.revoke": {
    input: async (_f, actorId) => ({
      id: actorId
        ? (
            await createApiToken({
              actor: { userId: actorId, requestId: "matrix" },
              input: { name: "Gone", scope: "read" },
            })
          ).id
        : "no-such-token",
    }),
    expect: signedIn,
  },
  "user.list": { input: () => ({}), expect: instanceAdminOnly },
  "user.setRole": { input: (f) => ({ userId: f.target.id, role: "USER" }), expect: instanceAdminOnly },
  "user.setActive": { input: (f) => ({ userId: f.target.id, active: true }), expect: instanceAdminOnly },
  "user.changePassword": {
    input: async (_f, actorId) => {
      if (actorId) await db.user.update({ where: { id: actorId }, data: { passwordHash: await hashPassword(OLD) } });
      return { currentPassword: OLD, newPassword: "another long passphrase 7" };
    },
    expect: signedIn,
  },
  "user.signOutEverywhere": { input: () => undefined, expect: signedIn },
  "user.updatePreferences": { input: () => ({ timeZone: "Europe/Berlin" }), expect: signedIn },
  "user.twoFactor.status": { input: () => undefined, expect: signedIn },
  "user.twoFactor.start": { input: () => undefined, expect: signedIn },
  "user.twoFactor.confirm": {
    input: async (_f, actorId) => ({ code: actorId ? await nextCode(actorId, { restart: true }) : "000000" }),
    expect: signedIn,
  },
  "user.twoFactor.regenerateRecoveryCodes": {
    input: async (_f, actorId) => ({ code: actorId ? await nextCode(await withTwoFactorOn(actorId)) : "000000" }),
    expect: signedIn,
  },
  "user.twoFactor.disable": {
    input: async (_f, actorId) => {
      if (!actorId) return { password: OLD, code: "000000" };
      // Set up afresh, keeping a recovery code (which, unlike an app code, does not depend on the clock).
      await db.user.update({
        where: { id: actorId },
        data: { passwordHash: await hashPassword(OLD), totpEnabledAt: null, totpSecret: null, totpLastStep: null },
      });
      const { recoveryCodes } = await confirmTwoFactorSetup({
        actor: { userId: actorId, requestId: "matrix" },
        code: await nextCode(actorId, { restart: true }),
      });
      return { password: OLD, code: recoveryCodes[0] };
    },
    expect: signedIn,
  },
  "user.sessions.list": { input: () => undefined, expect: signedIn },
  "user.security": { input: () => undefined, expect: signedIn },
  "securityLog.list": { input: () => ({}), expect: instanceAdminOnly },
  "securityLog.mine": { input: () => undefined, expect: signedIn },
  /** Your own session only (another's is NOT_FOUND: tests/integration/accounts.test.ts). */
  "user.sessions.revoke": {
    input: async (_f, actorId) => ({ id: actorId ? sessionHandle(await startSession(actorId)) : "x".repeat(22) }),
    expect: signedIn,
  },
  "project.list": { input: () => ({}), expect: signedIn },
  "project.byKey": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "project.create": { input: () => ({ key: uniqueProjectKey(), name: "Created" }), expect: signedIn },
  "project.update": {
    // Same name as now: a permitted caller succeeds without writing a version. Integration changes (other
    // rows) move the project's version, so the current one is read.
    input: async (f) => ({ projectKey: f.key, expectedVersion: await projectVersion(f), name: f.project.name }),
    expect: projectAdmins,
  },
  "project.archive": { input: (f) => ({ projectKey: f.key, archived: false }), expect: projectAdmins },
  "project.history": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "project.diff": { input: (f) => ({ projectKey: f.key, from: 1, to: 1 }), expect: projectMembers },
  "project.restore": {
    // The version it is at: a permitted caller succeeds without writing a version.
    input: async (f) => {
      const version = await projectVersion(f);
      return { projectKey: f.key, version, expectedVersion: version };
    },
    expect: projectAdmins,
  },
  "project.members.list": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "project.members.add": {
    input: async (f) => ({ projectKey: f.key, email: (await createUser()).email, role: "REPORTER" }),
    expect: projectAdmins,
  },
  "project.members.setRole": {
    input: (f) => ({ projectKey: f.key, userId: f.reporter.id, role: "REPORTER" }),
    expect: projectAdmins,
  },
  "project.members.remove": {
    input: async (f) => {
      const member = await createUser();
      await addMembership(f.project.id, member.id, "REPORTER");
      return { projectKey: f.key, userId: member.id };
    },
    expect: projectAdmins,
  },
  "project.invitations.list": { input: (f) => ({ projectKey: f.key }), expect: projectAdmins },
  "project.invitations.revoke": {
    input: async (f) => ({ projectKey: f.key, id: (await openInvitation(f)).id }),
    expect: projectAdmins,
  },
  "invitation.listMine": { input: () => undefined, expect: signedIn },
  /** The emailed link's token is the proof of having the email. */
  "invitation.preview": { input: async (f) => ({ token: (await openInvitation(f)).token }), expect: anyone },
  /** To a project of its own: accepting one to the fixture's project would make the caller a member there. */
  "invitation.accept": {
    input: async (f) => ({ token: (await openInvitation(f, { elsewhere: true })).token }),
    expect: signedIn,
  },
  "invitation.decline": {
    input: async (f) => ({ token: (await openInvitation(f, { elsewhere: true })).token }),
    expect: signedIn,
  },
  "audit.list": { input: (f) => ({ projectKey: f.key }), expect: projectAdmins },
  "notification.list": { input: () => ({}), expect: signedIn },
  "notification.unreadCount": { input: () => undefined, expect: signedIn },
  /** A project's live stream: access is checked when it opens, before the first event. */
  "live.events": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "notification.markRead": { input: () => ({ all: true }), expect: signedIn },
  "notification.preferences.get": { input: () => undefined, expect: signedIn },
  "notification.preferences.set": { input: () => ({ inApp: true, email: true, mutedTypes: [] }), expect: signedIn },
  "subscription.status": { input: (f) => ({ key: f.adminIssueKey }), expect: notTheReporters },
  "subscription.set": { input: (f) => ({ key: f.adminIssueKey, watching: true }), expect: notTheReporters },
  "jobs.outbox": { input: () => undefined, expect: instanceAdminOnly },
  "jobs.system": { input: () => undefined, expect: instanceAdminOnly },
  "jobs.retry": { input: async () => ({ id: await failedOutboxEvent() }), expect: instanceAdminOnly },
  "jobs.mail.list": { input: () => ({}), expect: instanceAdminOnly },
  // A well-formed name of no message: authorization is decided before the file is looked up.
  "jobs.mail.read": {
    input: () => ({ name: "20260101T000000Z-00000000-0000-4000-8000-000000000000.eml" }),
    expect: { ...instanceAdminOnly, instanceAdmin: "NOT_FOUND" },
  },
  "webhook.list": { input: (f) => ({ projectKey: f.key }), expect: projectAdmins },
  "webhook.create": {
    input: async (f) => {
      // Earlier rows made many (each row's input its own): stay under the per-project cap.
      await db.webhook.deleteMany({ where: { projectId: f.project.id } });
      return { projectKey: f.key, url: "https://hooks.example.com/specline" };
    },
    expect: projectAdmins,
  },
  "webhook.update": {
    input: async (f) => ({ projectKey: f.key, id: await matrixWebhook(f), active: false }),
    expect: projectAdmins,
  },
  "webhook.delete": { input: async (f) => ({ projectKey: f.key, id: await matrixWebhook(f) }), expect: projectAdmins },
  "webhook.deliveries": {
    input: async (f) => ({ projectKey: f.key, webhookId: await matrixWebhook(f) }),
    expect: projectAdmins,
  },
  "webhook.sendTest": {
    input: async (f) => ({ projectKey: f.key, id: await matrixWebhook(f) }),
    expect: projectAdmins,
  },
  "webhook.redeliver": {
    input: async (f) => ({ projectKey: f.key, deliveryId: await failedDelivery(f) }),
    expect: projectAdmins,
  },
  "webhook.slack.get": { input: (f) => ({ projectKey: f.key }), expect: projectAdmins },
  "webhook.slack.set": { input: (f) => ({ projectKey: f.key, url: null, eventTypes: [] }), expect: projectAdmins },

  "requirement.list": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "requirement.tree": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "requirement.byKey": { input: (f) => ({ key: f.requirementKey }), expect: projectMembers },
  "requirement.create": { input: (f) => ({ projectKey: f.key, title: "Proposed" }), expect: projectMembers },
  "requirement.update": {
    // Unchanged title: permitted callers succeed without writing a version.
    input: (f) => ({ key: f.requirementKey, expectedVersion: 1, title: "Shared requirement" }),
    expect: projectMaintainers,
  },
  "requirement.transition": {
    // A fresh draft of the reporter's own: sending it to review is open to every member.
    input: async (f) => ({ key: await reporterDraft(f), expectedVersion: 1, to: "IN_REVIEW" }),
    expect: projectMembers,
  },
  "requirement.move": {
    input: async (f) => ({ key: await reporterDraft(f), expectedVersion: 1, parentKey: f.requirementKey }),
    expect: projectMaintainers,
  },
  "requirement.history": { input: (f) => ({ key: f.requirementKey }), expect: projectMembers },
  "requirement.diff": { input: (f) => ({ key: f.requirementKey, from: 1, to: 1 }), expect: projectMembers },
  "requirement.restore": {
    input: (f) => ({ key: f.requirementKey, expectedVersion: 1, version: 1 }),
    expect: projectMaintainers,
  },
  "requirement.comments.list": { input: (f) => ({ key: f.requirementKey }), expect: projectMembers },
  "requirement.comments.add": { input: (f) => ({ key: f.requirementKey, body: "Reads well" }), expect: projectMembers },
  "requirement.comments.edit": {
    input: async (f, actorId) => ({
      key: f.requirementKey,
      commentId: await commentBy(f, actorId, "requirement"),
      body: "Edited",
    }),
    expect: projectMembers,
  },
  "requirement.comments.delete": {
    input: async (f, actorId) => ({ key: f.requirementKey, commentId: await commentBy(f, actorId, "requirement") }),
    expect: projectMembers,
  },

  "review.request": {
    input: (f, actorId) => ({
      key: f.requirementKey,
      reviewerIds: [actorId === f.maintainer.id ? f.admin.id : f.maintainer.id],
    }),
    expect: projectMaintainers,
  },
  /** Only the reviewers a round names may answer it: members who are not asked (here outsiders) are refused. */
  "review.respond": {
    input: async (f, actorId) => ({ key: await reviewFor(f, actorId), decision: "APPROVED", comment: "" }),
    expect: { ...projectMembers, instanceAdmin: "FORBIDDEN", openReporter: "FORBIDDEN" },
  },
  "review.cancel": { input: async (f) => ({ key: await reviewFor(f, null) }), expect: projectMaintainers },
  "review.listFor": { input: (f) => ({ key: f.requirementKey }), expect: projectMembers },

  "baseline.list": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "baseline.byId": { input: (f) => ({ projectKey: f.key, id: f.baselineId }), expect: projectMembers },
  "baseline.create": { input: (f) => ({ projectKey: f.key, name: `B ${uniqueEmail()}` }), expect: projectMaintainers },
  "baseline.compare": { input: (f) => ({ projectKey: f.key, from: f.baselineId, to: "HEAD" }), expect: projectMembers },
  "baseline.export": {
    input: (f) => ({ projectKey: f.key, id: f.baselineId, format: "markdown" }),
    expect: projectMembers,
  },

  "importJob.list": { input: (f) => ({ projectKey: f.key }), expect: projectMaintainers },
  "importJob.byId": {
    input: async (f) => ({ projectKey: f.key, id: await finishedImport(f) }),
    expect: projectMaintainers,
  },
  "importJob.undo": {
    input: async (f) => ({ projectKey: f.key, id: await finishedImport(f) }),
    expect: projectMaintainers,
  },

  "issue.list": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "issue.byKey": { input: (f) => ({ key: f.adminIssueKey }), expect: notTheReporters },
  "issue.history": { input: (f) => ({ key: f.adminIssueKey }), expect: notTheReporters },
  "issue.activity": { input: (f) => ({ key: f.adminIssueKey }), expect: notTheReporters },
  "issue.diff": { input: (f) => ({ key: f.adminIssueKey, from: 1, to: 1 }), expect: notTheReporters },
  "issue.create": { input: (f) => ({ projectKey: f.key, title: "Crash on save" }), expect: projectMembers },
  "issue.update": {
    input: (f) => ({ key: f.adminIssueKey, expectedVersion: 1, title: "Admin issue" }),
    expect: notTheReporters,
  },
  "issue.transition": {
    input: async (f) => ({ key: await adminIssue(f), expectedVersion: 1, to: "TRIAGED" }),
    expect: projectMaintainers,
  },
  "issue.assign": {
    input: async (f) => ({ key: await adminIssue(f), expectedVersion: 1, assigneeId: f.maintainer.id }),
    expect: projectMaintainers,
  },
  "issue.links.list": { input: (f) => ({ key: f.adminIssueKey }), expect: notTheReporters },
  "issue.links.add": {
    input: async (f) => ({ key: await adminIssue(f), type: "RELATES_TO", to: f.adminIssueKey }),
    expect: projectMaintainers,
  },
  "issue.links.remove": {
    input: async (f) => {
      const key = await adminIssue(f);
      const { link } = await callerFor(f.admin.id).issue.links.add({ key, type: "BLOCKS", to: f.adminIssueKey });
      return { key, linkId: link.id };
    },
    expect: projectMaintainers,
  },
  "issue.comments.list": { input: (f) => ({ key: f.adminIssueKey }), expect: notTheReporters },
  "issue.comments.add": { input: (f) => ({ key: f.reporterIssueKey, body: "Seen it too" }), expect: projectMembers },
  "issue.comments.edit": {
    input: async (f, actorId) => ({ key: f.reporterIssueKey, commentId: await commentBy(f, actorId), body: "Edited" }),
    expect: projectMembers,
  },
  "issue.comments.delete": {
    input: async (f, actorId) => ({ key: f.reporterIssueKey, commentId: await commentBy(f, actorId) }),
    expect: projectMembers,
  },

  "traceLink.create": {
    input: async (f) => ({ projectKey: f.key, from: await adminIssue(f), to: f.requirementKey, type: "IMPLEMENTS" }),
    expect: projectMaintainers,
  },
  "traceLink.delete": {
    input: async (f) => ({ projectKey: f.key, linkId: (await adminLink(f)).linkId }),
    expect: projectMaintainers,
  },
  "traceLink.clearSuspect": {
    input: async (f) => ({
      projectKey: f.key,
      linkId: (await adminLink(f, { suspect: true })).linkId,
      reason: "Still holds",
    }),
    expect: projectMaintainers,
  },
  "traceLink.listFor": { input: (f) => ({ key: f.requirementKey }), expect: projectMembers },
  "traceLink.matrix": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "traceLink.coverage": { input: (f) => ({ projectKey: f.key }), expect: projectMembers },
  "traceLink.impact": { input: (f) => ({ key: f.requirementKey }), expect: projectMembers },

  "search.query": { input: () => ({ q: "shared" }), expect: signedIn },
  "stats.dashboard": { input: (f) => ({ projectKey: f.key, days: 30 }), expect: projectMembers },
  "stats.daily": {
    input: (f) => ({ projectKey: f.key, from: "2026-01-01", to: "2026-01-31" }),
    expect: projectMembers,
  },
  "stats.refresh": { input: (f) => ({ projectKey: f.key }), expect: projectMaintainers },
  "issue.attachments.list": { input: (f) => ({ key: f.adminIssueKey }), expect: notTheReporters },
  // A file the admin attached to their issue: maintainers may remove anyone's; reporters do not see the issue.
  "issue.attachments.delete": {
    input: async (f) => ({ key: f.adminIssueKey, attachmentId: await adminAttachment(f) }),
    expect: notTheReporters,
  },
};

/** A fresh issue → fresh requirement link made by the admin; optionally made suspect by editing the requirement. */
async function adminLink(f: Fixture, opts: { suspect?: boolean } = {}) {
  const admin = callerFor(f.admin.id);
  const req = await admin.requirement.create({ projectKey: f.key, title: "Linked" });
  const link = await admin.traceLink.create({
    projectKey: f.key,
    from: await adminIssue(f),
    to: req.key,
    type: "VERIFIES",
  });
  if (opts.suspect) await admin.requirement.update({ key: req.key, expectedVersion: 1, title: "Linked, changed" });
  return { linkId: link.id };
}

/** A finished import of one requirement, for the admin: undoing it deletes that requirement. */
async function finishedImport(f: Fixture): Promise<string> {
  const created = await callerFor(f.admin.id).requirement.create({ projectKey: f.key, title: "Imported" });
  const job = await db.importJob.create({
    data: {
      projectId: f.project.id,
      createdById: f.admin.id,
      kind: "requirements",
      format: "csv",
      filename: "requirements.csv",
      size: 20,
      sha256: "0".repeat(64),
      dryRun: false,
      atomic: false,
      status: "SUCCEEDED",
      created: 1,
      requestId: "permission-matrix",
      items: { create: { entityId: created.id, key: created.key, action: "created", versionAfter: 1 } },
    },
  });
  return job.id;
}

async function adminIssue(f: Fixture): Promise<string> {
  return (await callerFor(f.admin.id).issue.create({ projectKey: f.key, title: "Needs triage" })).key;
}

/** An attachment row on the admin's issue, uploaded by the admin (no bytes stored: removing it removes nothing). */
async function adminAttachment(f: Fixture): Promise<string> {
  const issue = await db.issue.findFirstOrThrow({
    where: { key: f.adminIssueKey },
    select: { id: true, projectId: true },
  });
  const attachment = await db.attachment.create({
    data: {
      issueId: issue.id,
      projectId: issue.projectId,
      filename: "matrix.png",
      contentType: "image/png",
      size: 1,
      sha256: "0".repeat(64),
      storageKey: `matrix/${crypto.randomUUID()}`,
      uploaderId: f.admin.id,
    },
    select: { id: true },
  });
  return attachment.id;
}

/** A comment on the reporter's issue (or the shared requirement) written by the acting user (or by the admin for outsiders). */
async function commentBy(f: Fixture, actorId: string | null, on: "issue" | "requirement" = "issue"): Promise<string> {
  const members = [f.reporter.id, f.maintainer.id, f.admin.id, f.instanceAdmin.id];
  const author = callerFor(actorId && members.includes(actorId) ? actorId : f.admin.id);
  const comment =
    on === "issue"
      ? await author.issue.comments.add({ key: f.reporterIssueKey, body: "Original" })
      : await author.requirement.comments.add({ key: f.requirementKey, body: "Original" });
  return comment.id;
}

/**
 * A webhook whose target the URL policy refuses at send time (loopback, no
 * override), so sendTest and redeliver finish at once without any network.
 */
async function matrixWebhook(f: Fixture): Promise<string> {
  const { db } = await import("@/server/db");
  const webhook = await db.webhook.create({
    data: { projectId: f.project.id, url: "http://127.0.0.1:1/", secret: "whsec_matrix" },
  });
  return webhook.id;
}

async function failedDelivery(f: Fixture): Promise<string> {
  const { db } = await import("@/server/db");
  const delivery = await db.webhookDelivery.create({
    data: {
      webhookId: await matrixWebhook(f),
      eventId: crypto.randomUUID(),
      eventType: "issue.created",
      body: "{}",
      status: "FAILED",
      attempts: 1,
    },
  });
  return delivery.id;
}

/** An outbox event that ran out of attempts, for jobs.retry. */
const OLD = "the old passphrase 1";

/** Authenticator secrets of the actors, as set up by the rows (a secret is shown only at setup). */
const totpSecrets = new Map<string, string>();
/** Steps already used per actor: each code must be later than the last. */
const usedSteps = new Map<string, number>();

/** A code for the actor's secret, one step later than the last one used (`restart`: a new secret first). */
async function nextCode(actorId: string, opts: { restart?: boolean } = {}): Promise<string> {
  if (opts.restart || !totpSecrets.has(actorId)) {
    totpSecrets.set(actorId, (await startTwoFactorSetup(actorId)).secret);
    usedSteps.delete(actorId);
  }
  // The first code is for the step before now, the next for now: both inside the accepted window.
  const step = (usedSteps.get(actorId) ?? Math.floor(Date.now() / 30_000) - 2) + 1;
  usedSteps.set(actorId, step);
  return generate({ secret: totpSecrets.get(actorId) as string, epoch: step * 30 });
}

/** Turns two-factor sign-in on for the actor if it is off; returns the actor's id. */
async function withTwoFactorOn(actorId: string): Promise<string> {
  const on = await db.user.findUniqueOrThrow({ where: { id: actorId }, select: { totpEnabledAt: true } });
  if (!on.totpEnabledAt) {
    await confirmTwoFactorSetup({
      actor: { userId: actorId, requestId: "matrix" },
      code: await nextCode(actorId, { restart: true }),
    });
  }
  return actorId;
}

/** A new open invitation to the fixture's project (or a new one of its admin's), with the token its email carries. */
async function openInvitation(f: Fixture, opts: { elsewhere?: boolean } = {}): Promise<{ id: string; token: string }> {
  const admin = callerFor(f.admin.id);
  const projectKey = opts.elsewhere
    ? (await admin.project.create({ key: uniqueProjectKey(), name: "Invitations elsewhere" })).key
    : f.key;
  const invitation = await admin.project.members.add({
    projectKey,
    email: uniqueEmail("invited"),
    role: "REPORTER",
  });
  return { id: invitation.id, token: invitationToken(invitation.id) };
}

/** A valid emailed link (token) of `purpose` for a new account. */
async function accountLink(purpose: "PASSWORD_RESET" | "EMAIL_VERIFICATION"): Promise<string> {
  const user = await createUser({ verified: purpose === "PASSWORD_RESET" });
  const eventId = `matrix-${uniqueEmail()}`;
  const token = deriveAccountToken(eventId);
  await db.accountToken.create({
    data: {
      userId: user.id,
      purpose,
      tokenHash: hashAccountToken(token),
      eventId,
      email: user.email,
      expiresAt: new Date(Date.now() + 60_000),
    },
  });
  return token;
}

async function failedOutboxEvent(): Promise<string> {
  const { db } = await import("@/server/db");
  const event = await db.outboxEvent.create({
    data: { type: "matrix.failed", payload: {}, attempts: 10, lastError: "Error: matrix", failedAt: new Date() },
  });
  return event.id;
}

/**
 * A fresh requirement whose open review names the acting user when they are a member of the fixture's
 * project (the maintainer otherwise), asked for by the admin, or by the maintainer when the admin reviews.
 */
async function reviewFor(f: Fixture, actorId: string | null): Promise<string> {
  const member = actorId
    ? await db.membership.findFirst({ where: { projectId: f.project.id, userId: actorId }, select: { userId: true } })
    : null;
  const reviewer = member?.userId ?? f.maintainer.id;
  const requester = reviewer === f.admin.id ? f.maintainer.id : f.admin.id;
  const req = await callerFor(requester).requirement.create({ projectKey: f.key, title: "Under review" });
  await callerFor(requester).review.request({ key: req.key, reviewerIds: [reviewer] });
  return req.key;
}

async function reporterDraft(f: Fixture): Promise<string> {
  const created = await callerFor(f.reporter.id).requirement.create({ projectKey: f.key, title: "Reporter draft" });
  return created.key;
}

function procedureAt(caller: unknown, path: string): (input: unknown) => Promise<unknown> {
  return path.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], caller) as (
    input: unknown,
  ) => Promise<unknown>;
}

let fixture: Fixture;
let openFixture: Fixture;
const actorIds: Record<ActorName, string | null> = {} as Record<ActorName, string | null>;

/**
 * The shared state every row's input draws on. `reporter` stands in for the project's reporter member: on
 * the open project it is the signed-in non-member, who reports the issue and the draft a reporter owns.
 */
async function buildFixture(opts: { open: boolean; reporter?: Fixture["reporter"] }): Promise<Fixture> {
  const cast = await createProjectWithCast();
  const admin = callerFor(cast.admin.id);
  if (opts.open) {
    await admin.project.update({ projectKey: cast.key, expectedVersion: 1, settings: { openReporting: true } });
  }
  const requirement = await admin.requirement.create({ projectKey: cast.key, title: "Shared requirement" });
  const baseline = await admin.baseline.create({ projectKey: cast.key, name: "Matrix baseline" });
  const adminIssue = await admin.issue.create({ projectKey: cast.key, title: "Admin issue" });
  const reporter = opts.reporter ?? cast.reporter;
  const reporterIssue = await callerFor(reporter.id).issue.create({
    projectKey: cast.key,
    title: "Reporter issue",
  });
  return {
    ...cast,
    reporter,
    target: await createUser(),
    requirementKey: requirement.key,
    baselineId: baseline.id,
    adminIssueKey: adminIssue.key,
    reporterIssueKey: reporterIssue.key,
  };
}

beforeAll(async () => {
  const openReporter = await createUser({ name: "Open Reporter" });
  actorIds.openReporter = openReporter.id;
  openFixture = await buildFixture({ open: true, reporter: openReporter });
  const cast = await createProjectWithCast();
  const admin = callerFor(cast.admin.id);
  const requirement = await admin.requirement.create({ projectKey: cast.key, title: "Shared requirement" });
  const baseline = await admin.baseline.create({ projectKey: cast.key, name: "Matrix baseline" });
  const adminIssue = await admin.issue.create({ projectKey: cast.key, title: "Admin issue" });
  const reporterIssue = await callerFor(cast.reporter.id).issue.create({
    projectKey: cast.key,
    title: "Reporter issue",
  });
  fixture = {
    ...cast,
    target: await createUser(),
    requirementKey: requirement.key,
    baselineId: baseline.id,
    adminIssueKey: adminIssue.key,
    reporterIssueKey: reporterIssue.key,
  };
  actorIds.anonymous = null;
  actorIds.nonMember = cast.nonMember.id;
  actorIds.reporter = cast.reporter.id;
  actorIds.maintainer = cast.maintainer.id;
  actorIds.projectAdmin = cast.admin.id;
  actorIds.instanceAdmin = cast.instanceAdmin.id;
});

describe("permission matrix", () => {
  it("has exactly one row per procedure in the router", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(Object.keys(MATRIX).sort()).toEqual(procedures);
  });

  for (const [path, row] of Object.entries(MATRIX)) {
    for (const actor of ACTORS) {
      const expected = actor === "openReporter" ? (row.expect.openReporter ?? row.expect.reporter) : row.expect[actor];
      it(`${path} as ${actor} → ${expected}`, async () => {
        const f = actor === "openReporter" ? openFixture : fixture;
        const call = procedureAt(callerFor(actorIds[actor]), path)(await row.input(f, actorIds[actor]));
        if (expected === "ok") await expect(call).resolves.toBeDefined();
        else await expectTRPCError(call, expected);
      });
    }
  }
});

/**
 * The same table with API tokens instead of a browser session, for every
 * signed-in kind of caller: a WRITE token may do what its user may, a READ
 * token the same minus every mutation, and neither an account procedure
 * (`meta.sessionOnly`). Public procedures do not look at tokens at all.
 */
describe("permission matrix with API tokens", () => {
  const tokens = new Map<string, { id: string; scope: "READ" | "WRITE" }>();
  const keyOf = (actor: ActorName, scope: "READ" | "WRITE") => `${actor}:${scope}`;

  beforeAll(async () => {
    for (const actor of ACTORS) {
      const userId = actorIds[actor];
      if (!userId) continue;
      for (const scope of ["READ", "WRITE"] as const) {
        const made = await createApiToken({
          actor: { userId, requestId: "matrix-tokens" },
          input: { name: `${actor} ${scope}`, scope: scope === "READ" ? "read" : "write" },
        });
        tokens.set(keyOf(actor, scope), { id: made.id, scope });
      }
    }
  });

  for (const [path, row] of Object.entries(MATRIX)) {
    const def = (
      appRouter._def.procedures as unknown as Record<
        string,
        { _def: { type: string; meta?: { sessionOnly?: boolean } } }
      >
    )[path]?._def;
    for (const actor of ACTORS.filter((a) => a !== "anonymous")) {
      const withSession =
        actor === "openReporter" ? (row.expect.openReporter ?? row.expect.reporter) : row.expect[actor];
      for (const scope of ["READ", "WRITE"] as const) {
        const isPublic = row.expect.anonymous === "ok";
        const expected: Outcome = isPublic
          ? withSession
          : def?.meta?.sessionOnly
            ? "FORBIDDEN"
            : scope === "READ" && def?.type === "mutation"
              ? "FORBIDDEN"
              : withSession;
        it(`${path} as ${actor} with a ${scope} token → ${expected}`, async () => {
          const f = actor === "openReporter" ? openFixture : fixture;
          const userId = actorIds[actor] as string;
          const caller = createCaller(
            createContextInner({
              userId,
              apiToken: tokens.get(keyOf(actor, scope)),
              requestId: "matrix",
              ip: "matrix",
            }),
          );
          const call = procedureAt(caller, path)(await row.input(f, userId));
          if (expected === "ok") await expect(call).resolves.toBeDefined();
          else await expectTRPCError(call, expected);
        });
      }
    }
  }
});
