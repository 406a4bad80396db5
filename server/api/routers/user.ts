import { okOut } from "@/lib/schemas/common";
import {
  accountSecurityOut,
  changePasswordInput,
  currentUserOut,
  endedSessionsOut,
  instanceUserOut,
  instanceUserPageOut,
  recoveryCodesOut,
  sessionRevokeInput,
  twoFactorConfirmInput,
  twoFactorDisableInput,
  twoFactorRegenerateInput,
  twoFactorSetupOut,
  twoFactorStatusOut,
  userListInput,
  userPreferencesInput,
  userPreferencesOut,
  userSessionListOut,
  userSetActiveInput,
  userSetRoleInput,
} from "@/lib/schemas/user";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import {
  confirmTwoFactorSetup,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startTwoFactorSetup,
  twoFactorStatus,
} from "@/server/auth/two-factor";
import { accountSecurity } from "@/server/services/users/account-security";
import { listUsers } from "@/server/services/users/list-users";
import { changePassword } from "@/server/services/users/passwords";
import { updatePreferences } from "@/server/services/users/preferences";
import { mySessions, revokeSession, signOutEverywhere } from "@/server/services/users/sessions";
import { setUserActive } from "@/server/services/users/set-user-active";
import { setUserRole } from "@/server/services/users/set-user-role";

export const userRouter = createTRPCRouter({
  /** Who is signed in; also answered before the address is verified (the app shell asks first). */
  me: protectedProcedure
    .meta({ accountSetup: true })
    .output(currentUserOut)
    .query(({ ctx }) => ctx.user),
  /** The caller's own preferences: the time zone their emails give times in. */
  updatePreferences: protectedProcedure
    .input(userPreferencesInput)
    .output(userPreferencesOut)
    .mutation(({ ctx, input }) => updatePreferences({ userId: ctx.user.id, input })),
  list: adminProcedure
    .input(userListInput)
    .output(instanceUserPageOut)
    .query(({ input }) => listUsers({ input })),
  setRole: adminProcedure
    .input(userSetRoleInput)
    .output(instanceUserOut)
    .mutation(({ ctx, input }) => setUserRole({ actor: ctx.actor, input })),
  /** Deactivates (no sign-in, sessions end at once, no notifications) or reactivates an account. */
  setActive: adminProcedure
    .input(userSetActiveInput)
    .output(instanceUserOut)
    .mutation(({ ctx, input }) => setUserActive({ actor: ctx.actor, input })),
  /** Changes the caller's password; every other session of theirs ends. */
  changePassword: protectedProcedure
    .meta({ sessionOnly: true })
    .input(changePasswordInput)
    .output(endedSessionsOut)
    .mutation(({ ctx, input }) =>
      changePassword({ actor: { ...ctx.actor, userId: ctx.user.id }, sessionId: ctx.sessionId, input }),
    ),
  /** Ends every session of the caller, this one included. */
  signOutEverywhere: protectedProcedure
    .meta({ accountSetup: true, sessionOnly: true })
    .output(endedSessionsOut)
    .mutation(({ ctx }) => signOutEverywhere({ actor: { ...ctx.actor, userId: ctx.user.id } })),
  /** What the security settings show: whether the account has a password, and the sign-in providers connected and available. */
  security: protectedProcedure
    .meta({ accountSetup: true, sessionOnly: true })
    .output(accountSecurityOut)
    .query(({ ctx }) => accountSecurity(ctx.user.id)),
  /** Two-factor sign-in (TOTP and recovery codes), set up from the security settings. */
  twoFactor: createTRPCRouter({
    status: protectedProcedure
      .meta({ accountSetup: true, sessionOnly: true })
      .output(twoFactorStatusOut)
      .query(({ ctx }) => twoFactorStatus(ctx.user.id)),
    /** A new secret for the authenticator app (QR code and text); nothing changes until `confirm`. */
    start: protectedProcedure
      .meta({ accountSetup: true, sessionOnly: true })
      .output(twoFactorSetupOut)
      .mutation(({ ctx }) => startTwoFactorSetup(ctx.user.id)),
    /** The app's first code turns it on; answers the recovery codes, shown this once. */
    confirm: protectedProcedure
      .meta({ accountSetup: true, sessionOnly: true })
      .input(twoFactorConfirmInput)
      .output(recoveryCodesOut)
      .mutation(({ ctx, input }) =>
        confirmTwoFactorSetup({ actor: { ...ctx.actor, userId: ctx.user.id }, code: input.code }),
      ),
    disable: protectedProcedure
      .meta({ sessionOnly: true })
      .input(twoFactorDisableInput)
      .output(okOut)
      .mutation(({ ctx, input }) => disableTwoFactor({ actor: { ...ctx.actor, userId: ctx.user.id }, ...input })),
    regenerateRecoveryCodes: protectedProcedure
      .meta({ sessionOnly: true })
      .input(twoFactorRegenerateInput)
      .output(recoveryCodesOut)
      .mutation(({ ctx, input }) =>
        regenerateRecoveryCodes({ actor: { ...ctx.actor, userId: ctx.user.id }, code: input.code }),
      ),
  }),
  sessions: createTRPCRouter({
    /** The caller's live sessions (browser, address, last seen), the current one marked. */
    list: protectedProcedure
      .meta({ accountSetup: true, sessionOnly: true })
      .output(userSessionListOut)
      .query(({ ctx }) => mySessions({ actor: { ...ctx.actor, userId: ctx.user.id }, sessionId: ctx.sessionId })),
    /** Ends one of the caller's sessions. */
    revoke: protectedProcedure
      .meta({ sessionOnly: true })
      .input(sessionRevokeInput)
      .output(okOut)
      .mutation(({ ctx, input }) => revokeSession({ actor: { ...ctx.actor, userId: ctx.user.id }, handle: input.id })),
  }),
});
