/**
 * The account's own email: password reset links, address verification links,
 * and the note to an existing account that someone tried to sign up with its
 * address. Requests only record an `account.*` event (the same work whether
 * or not the address has an account, so neither the answer nor its timing
 * tells); this handler, run by the outbox dispatcher or the
 * `send-account-mail` function, decides whether anyone gets a message.
 */

import type { AccountTokenPurpose } from "@prisma/client";
import { appUrl, getEnv } from "@/lib/env.mjs";
import { deriveAccountToken, hashAccountToken } from "@/server/auth/account-tokens";
import { db } from "@/server/db";
import type { DomainEvent } from "@/server/events/domain-events";
import { emailTime } from "@/server/services/mail/email-time";
import { sendMail } from "@/server/services/mail/mailer";
import { INVITATION_EVENTS, invitationToken } from "@/server/services/projects/invitations";

export const ACCOUNT_EVENT_PREFIX = "account.";

/** The events whose email this module sends: every `account.*` one, and a new or renewed invitation. */
export function sendsAccountMail(type: string): boolean {
  return type.startsWith(ACCOUNT_EVENT_PREFIX) || type === INVITATION_EVENTS.created;
}

/** A reset link is valid this long after it was asked for. */
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;
/** A verification link is valid this long after it was sent. */
export const VERIFICATION_TTL_MS = 24 * 60 * 60_000;
/** At most this many links of one kind go to one account per hour, however often they are asked for. */
export const ACCOUNT_MAILS_PER_HOUR = 3;

export const ACCOUNT_EVENTS = {
  passwordResetRequested: "account.password_reset_requested",
  verificationRequested: "account.verification_requested",
  signupWithExistingEmail: "account.signup_existing_email",
} as const;

function stringField(event: DomainEvent, name: string): string | null {
  const value = (event.payload as Record<string, unknown>)[name];
  return typeof value === "string" && value ? value : null;
}

export async function sendAccountMail(event: DomainEvent): Promise<{ sent: boolean }> {
  const email = stringField(event, "email");
  if (!email) return { sent: false };
  switch (event.type) {
    case ACCOUNT_EVENTS.passwordResetRequested:
      return sendLink(event, email, "PASSWORD_RESET");
    case ACCOUNT_EVENTS.verificationRequested:
      return sendLink(event, email, "EMAIL_VERIFICATION");
    case ACCOUNT_EVENTS.signupWithExistingEmail:
      return sendSignupNotice(event, email);
    case INVITATION_EVENTS.created:
      return sendInvitation(event);
    default:
      return { sent: false };
  }
}

async function sendLink(event: DomainEvent, email: string, purpose: AccountTokenPurpose): Promise<{ sent: boolean }> {
  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, name: true, email: true, deactivatedAt: true, emailVerifiedAt: true },
  });
  // No account (the request said the same as for one), a deactivated one, or nothing left to verify.
  if (!user || user.deactivatedAt) return { sent: false };
  if (purpose === "EMAIL_VERIFICATION" && user.emailVerifiedAt) return { sent: false };

  const ttl = purpose === "PASSWORD_RESET" ? PASSWORD_RESET_TTL_MS : VERIFICATION_TTL_MS;
  const expiresAt = new Date(event.createdAt.getTime() + ttl);
  // Delivered too late to be of use (the dispatcher was down for longer than the link lives).
  if (expiresAt.getTime() <= Date.now()) return { sent: false };

  const token = deriveAccountToken(event.id);
  const existing = await db.accountToken.findUnique({ where: { eventId: event.id }, select: { id: true } });
  if (!existing) {
    const recent = await db.accountToken.count({
      where: { userId: user.id, purpose, createdAt: { gt: new Date(Date.now() - 3_600_000) } },
    });
    if (recent >= ACCOUNT_MAILS_PER_HOUR) return { sent: false };
    await db.accountToken.createMany({
      data: [{ userId: user.id, purpose, tokenHash: hashAccountToken(token), eventId: event.id, email, expiresAt }],
      skipDuplicates: true,
    });
  }

  const base = appUrl(getEnv());
  const text =
    purpose === "PASSWORD_RESET"
      ? [
          `Hello ${user.name},`,
          "",
          "Someone asked to reset the password of your Specline account. To choose a new password, open this link within 30 minutes:",
          "",
          `${base}/reset-password?token=${token}`,
          "",
          "The link works once. Setting a new password signs you out everywhere.",
          "If you did not ask for this, ignore this message: your password stays as it is.",
        ].join("\n")
      : [
          `Hello ${user.name},`,
          "",
          "Confirm that this is your email address to start using Specline:",
          "",
          `${base}/verify-email?token=${token}`,
          "",
          "The link works once, for 24 hours. If you did not create a Specline account, ignore this message.",
        ].join("\n");
  await sendMail({
    id: event.id,
    createdAt: event.createdAt,
    to: user.email,
    subject: purpose === "PASSWORD_RESET" ? "Reset your Specline password" : "Confirm your email address for Specline",
    text,
  });
  return { sent: true };
}

async function sendSignupNotice(event: DomainEvent, email: string): Promise<{ sent: boolean }> {
  const user = await db.user.findUnique({ where: { email }, select: { name: true, email: true, deactivatedAt: true } });
  if (!user || user.deactivatedAt) return { sent: false };
  const base = appUrl(getEnv());
  await sendMail({
    id: event.id,
    createdAt: event.createdAt,
    to: user.email,
    subject: "Someone tried to sign up to Specline with your address",
    text: [
      `Hello ${user.name},`,
      "",
      "Someone tried to create a Specline account with this email address, which already has one. No new account was made.",
      "",
      `If it was you: sign in at ${base}/sign-in, or reset your password at ${base}/forgot-password.`,
      "If it was not you, you need not do anything.",
    ].join("\n"),
  });
  return { sent: true };
}

const ROLE_WORDS = { REPORTER: "a reporter", MAINTAINER: "a maintainer", ADMIN: "an admin" } as const;

async function sendInvitation(event: DomainEvent): Promise<{ sent: boolean }> {
  const id = event.payload.entityId;
  if (!id) return { sent: false };
  const invitation = await db.invitation.findUnique({
    where: { id },
    select: {
      id: true,
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      declinedAt: true,
      revokedAt: true,
      invitedBy: { select: { name: true } },
      project: { select: { key: true, name: true } },
    },
  });
  // Answered or revoked before the message went out, or expired: nothing to send.
  if (!invitation || invitation.acceptedAt || invitation.declinedAt || invitation.revokedAt) return { sent: false };
  if (invitation.expiresAt.getTime() <= Date.now()) return { sent: false };
  const base = appUrl(getEnv());
  const who = invitation.invitedBy?.name ?? "A project admin";
  await sendMail({
    id: event.id,
    createdAt: event.createdAt,
    to: invitation.email,
    subject: `${who} invited you to ${invitation.project.name} on Specline`,
    text: [
      "Hello,",
      "",
      `${who} invited you to join the project ${invitation.project.name} (${invitation.project.key}) on Specline as ${ROLE_WORDS[invitation.role]}.`,
      "",
      "To accept or decline, open:",
      "",
      `${base}/invitations/${invitationToken(invitation.id)}`,
      "",
      `If you have no Specline account yet, you can create one from that page. The invitation is open until ${emailTime(invitation.expiresAt, "UTC")}.`,
    ].join("\n"),
  });
  return { sent: true };
}
