import type { UserPreferencesInput } from "@/lib/schemas/user";
import { validTheme } from "@/lib/theme";
import { db } from "@/server/db";

/** Saves the caller's own preferences (the zone their emails give times in, their theme); answers them as saved. */
export async function updatePreferences(opts: { userId: string; input: UserPreferencesInput }) {
  const user = await db.user.update({
    where: { id: opts.userId },
    data: { timeZone: opts.input.timeZone, theme: opts.input.theme },
    select: { timeZone: true, theme: true },
  });
  return { timeZone: user.timeZone, theme: validTheme(user.theme) };
}
