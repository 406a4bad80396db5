import { describe, expect, it } from "vitest";

import { PROJECT_PERMISSIONS, PROJECT_ROLES, ROLE_PERMISSIONS, roleAtLeast, roleHas } from "@/server/auth/permissions";

describe("role → permission map", () => {
  it("gives every higher role all permissions of the lower ones", () => {
    for (let i = 1; i < PROJECT_ROLES.length; i++) {
      const lower = ROLE_PERMISSIONS[PROJECT_ROLES[i - 1]!];
      const higher = ROLE_PERMISSIONS[PROJECT_ROLES[i]!];
      for (const p of lower) expect(higher.has(p), `${PROJECT_ROLES[i]} lacks ${p}`).toBe(true);
    }
  });

  it("grants every permission to ADMIN and only known permissions to anyone", () => {
    for (const p of PROJECT_PERMISSIONS) expect(roleHas("ADMIN", p)).toBe(true);
    for (const role of PROJECT_ROLES) {
      for (const p of ROLE_PERMISSIONS[role]) expect(PROJECT_PERMISSIONS).toContain(p);
    }
  });

  it("keeps management out of reporters' and maintainers' hands", () => {
    expect(roleHas("REPORTER", "members:manage")).toBe(false);
    expect(roleHas("MAINTAINER", "project:update")).toBe(false);
    expect(roleHas("REPORTER", "project:read")).toBe(true);
  });

  it("orders roles", () => {
    expect(roleAtLeast("ADMIN", "MAINTAINER")).toBe(true);
    expect(roleAtLeast("REPORTER", "MAINTAINER")).toBe(false);
  });
});
