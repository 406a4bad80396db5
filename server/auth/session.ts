/** The signed-in user's id for the current request (server components, route handlers). */
import { getServerSession } from "next-auth";

import { authOptions } from "./options";

export async function getSessionUserId(): Promise<string | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  return id || null;
}
