/**
 * Test data builders: unique users, projects and memberships per test, and
 * tRPC callers acting as a given user (through createCaller, the same path
 * as HTTP minus the transport).
 */
import { randomBytes, randomUUID } from "node:crypto";

import type { InstanceRole, ProjectRole } from "@prisma/client";
import { TRPCError } from "@trpc/server";
import { expect } from "vitest";

import { createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { hashPassword } from "@/server/auth/password";
import { authorizeOrThrow, type ProjectScope } from "@/server/auth/project-scope";
import { db } from "@/server/db";

export function uniqueSuffix(): string {
  return randomBytes(5).toString("hex");
}

/** 2–10 upper-case letters, random enough to be unique per test. */
export function uniqueProjectKey(length = 8): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return Array.from(randomBytes(length), (b) => letters[b % 26]).join("");
}

export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${uniqueSuffix()}@example.test`;
}

/**
 * A user with a verified address (`verified: false` for one that has not confirmed it yet), signing in
 * with `password` when one is given (none otherwise, as after a provider sign-up).
 */
export async function createUser(
  opts: { role?: InstanceRole; name?: string; email?: string; verified?: boolean; password?: string } = {},
) {
  return db.user.create({
    data: {
      email: opts.email ?? uniqueEmail(),
      name: opts.name ?? "Test User",
      role: opts.role ?? "USER",
      emailVerifiedAt: opts.verified === false ? null : new Date(),
      passwordHash: opts.password ? await hashPassword(opts.password) : null,
    },
    select: { id: true, email: true, name: true, role: true },
  });
}

/**
 * The procedures as `userId` calls them; `signal` stands for the request's (aborted when the client goes away),
 * `idempotencyKey` for the request's Idempotency-Key header.
 */
export function callerFor(userId: string | null, opts: { signal?: AbortSignal; idempotencyKey?: string | null } = {}) {
  return createCaller(
    createContextInner({
      userId,
      requestId: randomUUID(),
      ip: `test-${uniqueSuffix()}`,
      signal: opts.signal,
      idempotencyKey: opts.idempotencyKey,
    }),
  );
}

/** A project with one user per role, plus a non-member and an instance admin. */
export async function createProjectWithCast() {
  const admin = await createUser({ name: "Project Admin" });
  const key = uniqueProjectKey();
  const project = await callerFor(admin.id).project.create({ key, name: `Project ${key}`, description: "" });
  const [maintainer, reporter, nonMember, instanceAdmin] = await Promise.all([
    createUser({ name: "Maintainer" }),
    createUser({ name: "Reporter" }),
    createUser({ name: "Outsider" }),
    createUser({ name: "Instance Admin", role: "ADMIN" }),
  ]);
  await addMembership(project.id, maintainer.id, "MAINTAINER");
  await addMembership(project.id, reporter.id, "REPORTER");
  return { project, key, admin, maintainer, reporter, nonMember, instanceAdmin };
}

/** The scope a project procedure builds for this user, for tests that call services directly (NOT_FOUND for outsiders). */
export async function projectScopeFor(userId: string, projectKey: string): Promise<ProjectScope> {
  const { scope } = await authorizeOrThrow({ userId, projectKey, permission: "project:read", requestId: randomUUID() });
  return scope;
}

export async function addMembership(projectId: string, userId: string, role: ProjectRole) {
  return db.membership.create({ data: { projectId, userId, role } });
}

/** Asserts that `promise` rejects with a tRPC error of `code`, and returns the error. */
export async function expectTRPCError(promise: Promise<unknown>, code: TRPCError["code"]): Promise<TRPCError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
  return err as TRPCError;
}
