import type { UserPreferencesInput } from "@/lib/schemas/user";
import { db } from "@/server/db";

/** Saves the caller's own preferences (the zone their emails give times in); answers them as saved. */
export async function updatePreferences(opts: { userId: string; input: UserPreferencesInput }) {
  const user = await db.user.update({
    where: { id: opts.userId },
    data: { timeZone: opts.input.timeZone },
    select: { timeZone: true },
  });
  return user;
}
