/** The whole API. `AppRouter` is the type other TypeScript projects code against. */
import { auditRouter } from "@/server/api/routers/audit";
import { authRouter } from "@/server/api/routers/auth";
import { baselineRouter } from "@/server/api/routers/baseline";
import { issueRouter } from "@/server/api/routers/issue";
import { projectRouter } from "@/server/api/routers/project";
import { requirementRouter } from "@/server/api/routers/requirement";
import { searchRouter } from "@/server/api/routers/search";
import { traceLinkRouter } from "@/server/api/routers/trace-link";
import { userRouter } from "@/server/api/routers/user";
import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  user: userRouter,
  project: projectRouter,
  requirement: requirementRouter,
  baseline: baselineRouter,
  issue: issueRouter,
  traceLink: traceLinkRouter,
  search: searchRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
