import {
  changePasswordInput,
  sessionRevokeInput,
  userListInput,
  userSetActiveInput,
  userSetRoleInput,
} from "@/lib/schemas/user";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { accountSecurity } from "@/server/services/users/account-security";
import { listUsers } from "@/server/services/users/list-users";
import { changePassword } from "@/server/services/users/passwords";
import { mySessions, revokeSession, signOutEverywhere } from "@/server/services/users/sessions";
import { setUserActive } from "@/server/services/users/set-user-active";
import { setUserRole } from "@/server/services/users/set-user-role";

export const userRouter = createTRPCRouter({
  /** Who is signed in; also answered before the address is verified (the app shell asks first). */
  me: protectedProcedure.meta({ allowUnverified: true }).query(({ ctx }) => ctx.user),
  list: adminProcedure.input(userListInput).query(({ input }) => listUsers({ input })),
  setRole: adminProcedure
    .input(userSetRoleInput)
    .mutation(({ ctx, input }) => setUserRole({ actor: ctx.actor, input })),
  /** Deactivates (no sign-in, sessions end at once, no notifications) or reactivates an account. */
  setActive: adminProcedure
    .input(userSetActiveInput)
    .mutation(({ ctx, input }) => setUserActive({ actor: ctx.actor, input })),
  /** Changes the caller's password; every other session of theirs ends. */
  changePassword: protectedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) =>
      changePassword({ actor: { ...ctx.actor, userId: ctx.user.id }, sessionId: ctx.sessionId, input }),
    ),
  /** Ends every session of the caller, this one included. */
  signOutEverywhere: protectedProcedure
    .meta({ allowUnverified: true })
    .mutation(({ ctx }) => signOutEverywhere({ actor: { ...ctx.actor, userId: ctx.user.id } })),
  /** What the security settings show: whether the account has a password, and the sign-in providers connected and available. */
  security: protectedProcedure.query(({ ctx }) => accountSecurity(ctx.user.id)),
  sessions: createTRPCRouter({
    /** The caller's live sessions (browser, address, last seen), the current one marked. */
    list: protectedProcedure.query(({ ctx }) =>
      mySessions({ actor: { ...ctx.actor, userId: ctx.user.id }, sessionId: ctx.sessionId }),
    ),
    /** Ends one of the caller's sessions. */
    revoke: protectedProcedure
      .input(sessionRevokeInput)
      .mutation(({ ctx, input }) => revokeSession({ actor: { ...ctx.actor, userId: ctx.user.id }, handle: input.id })),
  }),
});
