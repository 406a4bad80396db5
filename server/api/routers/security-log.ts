import { securityEventPageOut, securityLogInput, signInEventListOut } from "@/lib/schemas/security";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { listSecurityEvents, recentSignIns } from "@/server/auth/security-log";

/** The security log: all of it for instance admins, your own recent sign-ins for you. */
export const securityLogRouter = createTRPCRouter({
  /** Sign-ins, failures and account changes, newest first (instance admins). */
  list: adminProcedure
    .input(securityLogInput)
    .output(securityEventPageOut)
    .query(({ input }) => listSecurityEvents(input)),
  /** The caller's last 20 sign-ins and failed attempts on their account. */
  mine: protectedProcedure.output(signInEventListOut).query(({ ctx }) => recentSignIns(ctx.user.id)),
});
