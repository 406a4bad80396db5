import "server-only";

import { TRPCError } from "@trpc/server";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";

import { routeParamOrNotFound } from "@/lib/route-param";
import { getApi } from "@/lib/trpc/server";

/**
 * The project for a route's key, loaded once per request. Unknown keys,
 * malformed keys (bad percent-escapes included) and projects the user cannot see all become the not-found
 * page, so the URL never reveals which keys exist.
 */
export const getProjectForRoute = cache(async (rawKey: string) => {
  const key = routeParamOrNotFound(rawKey);
  if (key !== key.toUpperCase() && /^[a-zA-Z]{2,10}$/.test(key)) redirect(`/projects/${key.toUpperCase()}`);
  if (!/^[A-Z]{2,10}$/.test(key)) notFound();
  const api = await getApi();
  try {
    return await api.project.byKey({ projectKey: key });
  } catch (err) {
    if (
      err instanceof TRPCError &&
      (err.code === "NOT_FOUND" || err.code === "FORBIDDEN" || err.code === "BAD_REQUEST")
    ) {
      notFound();
    }
    throw err;
  }
});

export type RouteProject = Awaited<ReturnType<typeof getProjectForRoute>>;
