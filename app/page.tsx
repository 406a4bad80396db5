import { redirect } from "next/navigation";

import { getRequestSession } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export default async function Home() {
  redirect((await getRequestSession()) ? "/projects" : "/sign-in");
}
