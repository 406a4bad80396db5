/** The whole API. `AppRouter` is the type other TypeScript projects code against. */
import { adminJobsRouter } from "@/server/api/routers/admin-jobs";
import { apiTokenRouter } from "@/server/api/routers/api-token";
import { auditRouter } from "@/server/api/routers/audit";
import { authRouter } from "@/server/api/routers/auth";
import { baselineRouter } from "@/server/api/routers/baseline";
import { importJobRouter } from "@/server/api/routers/import-job";
import { invitationRouter } from "@/server/api/routers/invitation";
import { issueRouter } from "@/server/api/routers/issue";
import { liveRouter } from "@/server/api/routers/live";
import { notificationRouter } from "@/server/api/routers/notification";
import { projectRouter } from "@/server/api/routers/project";
import { requirementRouter } from "@/server/api/routers/requirement";
import { reviewRouter } from "@/server/api/routers/review";
import { searchRouter } from "@/server/api/routers/search";
import { securityLogRouter } from "@/server/api/routers/security-log";
import { statsRouter } from "@/server/api/routers/stats";
import { subscriptionRouter } from "@/server/api/routers/subscription";
import { traceLinkRouter } from "@/server/api/routers/trace-link";
import { userRouter } from "@/server/api/routers/user";
import { webhookRouter } from "@/server/api/routers/webhook";
import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { checkSynchronously } from "@/server/api/validation";

/** Every procedure of the API; inputs and outputs are checked with their schemas' synchronous parse (validation.ts). */
export const appRouter = checkSynchronously(
  createTRPCRouter({
    auth: authRouter,
    user: userRouter,
    apiToken: apiTokenRouter,
    project: projectRouter,
    invitation: invitationRouter,
    requirement: requirementRouter,
    review: reviewRouter,
    baseline: baselineRouter,
    importJob: importJobRouter,
    issue: issueRouter,
    traceLink: traceLinkRouter,
    search: searchRouter,
    stats: statsRouter,
    audit: auditRouter,
    securityLog: securityLogRouter,
    notification: notificationRouter,
    subscription: subscriptionRouter,
    jobs: adminJobsRouter,
    webhook: webhookRouter,
    live: liveRouter,
  }),
);

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
