import "server-only";

import { TRPCError } from "@trpc/server";

import { getApi } from "@/lib/trpc/server";
import { getRequestSession } from "@/server/auth/session";

export type CurrentUser = {
  id: string;
  email: string;
  name: string;
  role: "ADMIN" | "USER";
  emailVerified: boolean;
  /** Two-factor sign-in is on for the account. */
  mfaEnabled: boolean;
  /** The instance requires it of this account (REQUIRE_ADMIN_MFA, for instance admins). */
  mfaRequired: boolean;
};

/**
 * The signed-in user, or null. A session whose user no longer exists counts
 * as signed out, so the auth pages and the app shell agree and never bounce
 * between each other.
 */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  if (!(await getRequestSession())) return null;
  try {
    const api = await getApi();
    return await api.user.me();
  } catch (err) {
    if (err instanceof TRPCError && err.code === "UNAUTHORIZED") return null;
    throw err;
  }
}
