import { redirect } from "next/navigation";

import { getSessionUserId } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export default async function Home() {
  redirect((await getSessionUserId()) ? "/projects" : "/sign-in");
}
