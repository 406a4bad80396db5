/**
 * Two-factor sign-in with TOTP (RFC 6238; `otplib`, with the defaults every
 * authenticator app reads: SHA-1, 6 digits, 30 s) and one-time recovery codes.
 *
 * - The secret is stored encrypted (AES-256-GCM under a key derived from
 *   AUTH_SECRET with HKDF), so a copy of the database alone does not hold
 *   working secrets. It is set up in two steps: a new secret waits, unused,
 *   until a code from the app confirms it.
 * - A code is accepted once: the time step it matched is recorded with a
 *   conditional update, so a replay — even at the same moment — fails.
 * - Ten recovery codes, shown once, kept as SHA-256 (they carry 50 random
 *   bits each); each works once.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";

import { getEnv } from "@/lib/env.mjs";
import { sha256Hex } from "@/server/auth/digest";
import { verifyPassword } from "@/server/auth/password";
import { recordSecurityEvent } from "@/server/auth/security-log";
import { db, type Tx } from "@/server/db";
import { AppError, conflict } from "@/server/errors";
import { type Actor, applyChange } from "@/server/services/change";

const RECOVERY_CODES = 10;
/** Codes one step (30 s) either side of now are accepted, for clocks a little off. */
const EPOCH_TOLERANCE_S = 30;

function key(): Buffer {
  const secret = getEnv().AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is required for two-factor sign-in");
  return Buffer.from(hkdfSync("sha256", secret, "specline-totp", "totp-secret-v1", 32));
}

export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(
    ".",
  );
}

export function decryptSecret(stored: string): string {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== "v1" || !iv || !tag || !body) throw new Error("Unreadable two-factor secret");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

const hashCode = (code: string) => sha256Hex(normalizeRecoveryCode(code));

/** Recovery codes are read case-blind, with or without their dash and spaces. */
function normalizeRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, "").toLowerCase();
}

function newRecoveryCodes(): string[] {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: RECOVERY_CODES }, () => {
    const bytes = randomBytes(10);
    const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

async function storeRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashCode(code) })) });
  return codes;
}

async function totpStateOf(userId: string) {
  return db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, totpSecret: true, totpEnabledAt: true, totpLastStep: true, role: true },
  });
}

export async function twoFactorStatus(userId: string) {
  const user = await totpStateOf(userId);
  const left = await db.recoveryCode.count({ where: { userId, usedAt: null } });
  return {
    enabled: user.totpEnabledAt !== null,
    enabledAt: user.totpEnabledAt,
    recoveryCodesLeft: user.totpEnabledAt ? left : 0,
    required: user.role === "ADMIN" && getEnv().REQUIRE_ADMIN_MFA,
  };
}

/** Step one: a new secret for the authenticator app (shown as a QR code and as text), waiting for its first code. */
export async function startTwoFactorSetup(userId: string) {
  const user = await totpStateOf(userId);
  if (user.totpEnabledAt) throw conflict("Two-factor sign-in is already on; turn it off first to use another app");
  const secret = generateSecret();
  await db.user.update({ where: { id: userId }, data: { totpSecret: encryptSecret(secret) }, select: { id: true } });
  const uri = generateURI({ issuer: "Specline", label: user.email, secret });
  const qrSvg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return { secret, uri, qrSvg };
}

/**
 * The time step `code` matches for `secret`, if it is later than `after`
 * (a code never works twice), or null.
 */
async function matchingStep(secret: string, code: string, after: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epochTolerance: EPOCH_TOLERANCE_S,
    ...(after !== null ? { afterTimeStep: after } : {}),
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** Claims `step` for the user unless an equal or later one was used: the one place a code is spent. */
async function claimStep(client: Tx | typeof db, userId: string, step: number): Promise<boolean> {
  const claimed = await client.$executeRaw`
    UPDATE "User" SET "totpLastStep" = ${step}
    WHERE id = ${userId} AND ("totpLastStep" IS NULL OR "totpLastStep" < ${step})`;
  return claimed === 1;
}

/** Step two: the first code from the app turns it on; answers the recovery codes, shown this once. */
export async function confirmTwoFactorSetup(opts: { actor: Actor & { userId: string }; code: string }) {
  const { userId } = opts.actor;
  const user = await totpStateOf(userId);
  if (user.totpEnabledAt) throw conflict("Two-factor sign-in is already on");
  if (!user.totpSecret) throw new AppError("BAD_REQUEST", "Start the setup first");
  const step = await matchingStep(decryptSecret(user.totpSecret), opts.code, null);
  if (step === null) throw wrongCode();
  return applyChange(opts.actor, async (tx, record) => {
    await tx.user.update({
      where: { id: userId },
      data: { totpEnabledAt: new Date(), totpLastStep: step },
      select: { id: true },
    });
    const codes = await storeRecoveryCodes(tx, userId);
    await recordSecurityEvent({ kind: "mfa_enabled", userId, ip: opts.actor.ip }, tx);
    record({ action: "user.mfa_enabled", entityType: "User", entityId: userId });
    return { recoveryCodes: codes };
  });
}

function wrongCode() {
  return new AppError("BAD_REQUEST", "That code is not right; enter the current one from your authenticator app", {
    fieldErrors: { code: ["That code is not right"] },
  });
}

/**
 * Whether `code` — a current TOTP code or an unused recovery code — is a
 * valid second factor for the user, spending it if so.
 */
export async function spendSecondFactor(
  userId: string,
  code: string,
  context: { ip?: string | null; userAgent?: string | null } = {},
): Promise<boolean> {
  const user = await totpStateOf(userId);
  if (!user.totpEnabledAt || !user.totpSecret) return false;
  const trimmed = code.trim();
  const step = await matchingStep(decryptSecret(user.totpSecret), trimmed, user.totpLastStep);
  if (step !== null) return claimStep(db, userId, step);
  if (normalizeRecoveryCode(trimmed).length !== 10) return false;
  const used = await db.recoveryCode.updateMany({
    where: { userId, codeHash: hashCode(trimmed), usedAt: null },
    data: { usedAt: new Date() },
  });
  if (used.count !== 1) return false;
  const left = await db.recoveryCode.count({ where: { userId, usedAt: null } });
  await recordSecurityEvent({ kind: "recovery_code_used", userId, ...context, detail: { left } });
  return true;
}

/** Turns two-factor sign-in off: needs the password and a code (or a recovery code). */
export async function disableTwoFactor(opts: {
  actor: Actor & { userId: string };
  password: string;
  code: string;
}): Promise<{ ok: true }> {
  const { userId } = opts.actor;
  const row = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
  if (!row.passwordHash || !(await verifyPassword(row.passwordHash, opts.password))) {
    throw new AppError("BAD_REQUEST", "The password is not correct", {
      fieldErrors: { password: ["The password is not correct"] },
    });
  }
  if (!(await spendSecondFactor(userId, opts.code, { ip: opts.actor.ip }))) throw wrongCode();
  await applyChange(opts.actor, async (tx, record) => {
    await tx.user.update({
      where: { id: userId },
      data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null },
      select: { id: true },
    });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await recordSecurityEvent({ kind: "mfa_disabled", userId, ip: opts.actor.ip }, tx);
    record({ action: "user.mfa_disabled", entityType: "User", entityId: userId });
  });
  return { ok: true };
}

/** New recovery codes (the old ones stop working): needs a current code. */
export async function regenerateRecoveryCodes(opts: { actor: Actor & { userId: string }; code: string }) {
  const { userId } = opts.actor;
  const user = await totpStateOf(userId);
  if (!user.totpEnabledAt || !user.totpSecret) throw new AppError("BAD_REQUEST", "Two-factor sign-in is off");
  const step = await matchingStep(decryptSecret(user.totpSecret), opts.code.trim(), user.totpLastStep);
  if (step === null || !(await claimStep(db, userId, step))) throw wrongCode();
  return applyChange(opts.actor, async (tx, record) => {
    const codes = await storeRecoveryCodes(tx, userId);
    record({ action: "user.recovery_codes_regenerated", entityType: "User", entityId: userId });
    return { recoveryCodes: codes };
  });
}
