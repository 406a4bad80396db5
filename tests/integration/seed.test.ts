import { describe, expect, it } from "vitest";

import { SEED_ADMIN_EMAIL, seed } from "@/prisma/seed";
import { verifyPassword } from "@/server/auth/password";
import { db } from "@/server/db";

describe("first-start seed", () => {
  it("creates an admin with a generated, printed-once password and a DEMO project with content; is idempotent", async () => {
    const printed: string[] = [];
    const password = await seed((line) => printed.push(line));
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(printed.join("\n")).toContain(password!);
    // It says where to change it.
    expect(printed.join("\n")).toContain("/settings/security");

    const admin = await db.user.findUniqueOrThrow({
      where: { email: SEED_ADMIN_EMAIL },
      omit: { passwordHash: false },
    });
    expect(admin.role).toBe("ADMIN");
    expect(await verifyPassword(admin.passwordHash!, password!)).toBe(true);

    const demo = await db.project.findUniqueOrThrow({ where: { key: "DEMO" } });
    expect(await db.requirement.count({ where: { projectId: demo.id } })).toBe(5);
    expect(await db.baseline.count({ where: { projectId: demo.id } })).toBe(1);
    expect(await db.issue.count({ where: { projectId: demo.id } })).toBe(3);
    expect(await db.traceLink.count({ where: { projectId: demo.id } })).toBe(3);
    expect(await db.auditEvent.count({ where: { projectId: demo.id } })).toBeGreaterThan(10);

    const again: string[] = [];
    expect(await seed((line) => again.push(line))).toBeNull();
    expect(again).toEqual([]);
    expect(await db.user.count()).toBe(1);
  });
});
