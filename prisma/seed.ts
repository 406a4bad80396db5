/**
 * First-start seed for the embedded mode: an instance admin with a generated
 * password (printed once, never stored in clear) and a DEMO project.
 * Idempotent: does nothing once any user exists. Exits non-zero on failure.
 */
import { randomBytes } from "node:crypto";

import { appUrl, getEnv } from "@/lib/env.mjs";

import { type ProjectScope, projectScope } from "@/server/auth/project-scope";
import { db } from "@/server/db";
import { createBaseline } from "@/server/services/baselines/baselines";
import { createIssue } from "@/server/services/issues/issues";
import { createProject } from "@/server/services/projects/create-project";
import { transitionRequirement } from "@/server/services/requirements/change-requirement";
import { createRequirement } from "@/server/services/requirements/create-requirement";
import { createTraceLink } from "@/server/services/trace-links/trace-links";
import { registerUser } from "@/server/services/users/register-user";

export const SEED_ADMIN_EMAIL = "admin@specline.local";

/** A small specification with a tree, a baseline, issues and links, so the first look is not empty. */
async function seedDemoContent(scope: ProjectScope) {
  const req = (
    title: string,
    statement: string,
    extra: Partial<Parameters<typeof createRequirement>[0]["input"]> = {},
  ) =>
    createRequirement({
      scope,
      input: {
        projectKey: "DEMO",
        title,
        statement,
        rationale: "",
        type: "FUNCTIONAL",
        priority: "SHOULD",
        tags: [],
        attributes: {},
        ...extra,
      },
    });
  const auth = await req("Authentication", "Users **shall** authenticate before accessing any project data.", {
    priority: "MUST",
    tags: ["security"],
  });
  const mfa = await req("Multi-factor sign-in", "The system shall offer a second factor (TOTP) for every account.", {
    parentKey: auth.key,
    tags: ["security"],
  });
  const lockout = await req(
    "Lockout after failed attempts",
    "After 10 failed sign-ins within 15 minutes, further attempts for the account shall be refused for 15 minutes.",
    {
      parentKey: auth.key,
      type: "CONSTRAINT",
    },
  );
  await req("Page load time", "95% of pages shall render in under **1 second** on a 10 Mbit/s connection.", {
    type: "NON_FUNCTIONAL",
  });
  await req("Typed API", "Every capability of the UI shall be available through the typed API with a personal token.", {
    type: "INTERFACE",
    priority: "COULD",
  });
  for (const key of [auth.key, lockout.key]) {
    let version = 1;
    for (const to of ["IN_REVIEW", "APPROVED"] as const) {
      version = (await transitionRequirement({ scope, input: { key, expectedVersion: version, to } })).version;
    }
  }
  await createBaseline({
    scope,
    input: { projectKey: "DEMO", name: "Release 1.0", note: "Scope agreed with the steering group." },
  });
  const lockIssue = await createIssue({
    scope,
    input: {
      projectKey: "DEMO",
      title: "Implement account lockout",
      description: "See DEMO-3.",
      severity: "HIGH",
      labels: ["backend"],
    },
  });
  const lockTest = await createIssue({
    scope,
    input: { projectKey: "DEMO", title: "Test lockout timings", description: "", severity: "MEDIUM", labels: ["qa"] },
  });
  await createIssue({
    scope,
    input: {
      projectKey: "DEMO",
      title: "Dashboard loads slowly on first visit",
      description: "Measured 2.4 s on a cold cache.",
      severity: "LOW",
      labels: [],
    },
  });
  await createTraceLink({
    scope,
    input: { projectKey: "DEMO", from: lockIssue.key, to: lockout.key, type: "IMPLEMENTS" },
  });
  await createTraceLink({
    scope,
    input: { projectKey: "DEMO", from: lockTest.key, to: lockout.key, type: "VERIFIES" },
  });
  await createTraceLink({ scope, input: { projectKey: "DEMO", from: mfa.key, to: auth.key, type: "REFINES" } });
}

/** Seeds an empty instance; returns the generated admin password, or null when there was nothing to do. */
export async function seed(log: (line: string) => void = console.log): Promise<string | null> {
  if ((await db.user.count()) > 0) return null;
  const password = randomBytes(15).toString("base64url");
  await registerUser({ input: { email: SEED_ADMIN_EMAIL, name: "Specline Admin", password }, requestId: "seed" });
  const admin = await db.user.findUniqueOrThrow({
    where: { email: SEED_ADMIN_EMAIL },
    select: { id: true, role: true },
  });
  const actor = { userId: admin.id, requestId: "seed" };
  const existing = await db.project.findUnique({ where: { key: "DEMO" }, select: { id: true } });
  if (!existing) {
    const project = await createProject({
      actor,
      user: admin,
      input: {
        key: "DEMO",
        name: "Demo project",
        description: "A sample project to explore Specline: requirements, baselines, issues and traceability.",
      },
    });
    // The creator is the project's ADMIN: the same scope the project procedure would build for them.
    await seedDemoContent(projectScope({ user: admin, project, role: "ADMIN", requestId: actor.requestId }));
  }
  const line = "─".repeat(58);
  log(
    [
      "",
      `┌${line}┐`,
      "  Specline is ready. Sign in as the instance administrator:",
      `    email:    ${SEED_ADMIN_EMAIL}`,
      `    password: ${password}`,
      "  This password is shown only once. Change it after signing in,",
      `  under your name → Security (${appUrl(getEnv())}/settings/security).`,
      `└${line}┘`,
      "",
    ].join("\n"),
  );
  return password;
}

const invokedDirectly = process.argv[1] && /seed\.(ts|js|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  seed()
    .then(() => db.$disconnect())
    .catch(async (err) => {
      console.error("[seed] failed:", err);
      await db.$disconnect().catch(() => {});
      process.exit(1);
    });
}
