import "server-only";

import { TRPCError } from "@trpc/server";

import { getApi } from "@/lib/trpc/server";
import type { RouterOutputs } from "@/lib/trpc/types";
import { getRequestSession } from "@/server/auth/session";

/** The signed-in person and how far their account is set up (`user.me`). */
export type CurrentUser = RouterOutputs["user"]["me"];

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
