/**
 * First-start seed for the embedded mode: an instance admin with a generated
 * password (printed once, never stored in clear) and a DEMO project.
 * Idempotent: does nothing once any user exists. Exits non-zero on failure.
 */
import { randomBytes } from "node:crypto";

import { db } from "@/server/db";
import { createProject } from "@/server/services/projects/create-project";
import { registerUser } from "@/server/services/users/register-user";

export const SEED_ADMIN_EMAIL = "admin@specline.local";

async function main() {
  if ((await db.user.count()) > 0) return;
  const password = randomBytes(15).toString("base64url");
  const admin = await registerUser({
    input: { email: SEED_ADMIN_EMAIL, name: "Specline Admin", password },
    requestId: "seed",
  });
  const actor = { userId: admin.id, requestId: "seed" };
  const existing = await db.project.findUnique({ where: { key: "DEMO" }, select: { id: true } });
  if (!existing) {
    await createProject({
      actor,
      user: admin,
      input: {
        key: "DEMO",
        name: "Demo project",
        description: "A sample project to explore Specline: requirements, baselines, issues and traceability.",
      },
    });
  }
  const line = "─".repeat(58);
  console.log(
    [
      "",
      `┌${line}┐`,
      "  Specline is ready. Sign in as the instance administrator:",
      `    email:    ${SEED_ADMIN_EMAIL}`,
      `    password: ${password}`,
      "  This password is shown only once — change it or keep it safe.",
      `└${line}┘`,
      "",
    ].join("\n"),
  );
}

main()
  .then(() => db.$disconnect())
  .catch(async (err) => {
    console.error("[seed] failed:", err);
    await db.$disconnect().catch(() => {});
    process.exit(1);
  });
