import { userListInput, userSetRoleInput } from "@/lib/schemas/user";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { listUsers } from "@/server/services/users/list-users";
import { setUserRole } from "@/server/services/users/set-user-role";

export const userRouter = createTRPCRouter({
  me: protectedProcedure.query(({ ctx }) => ctx.user),
  list: adminProcedure.input(userListInput).query(({ input }) => listUsers({ input })),
  setRole: adminProcedure
    .input(userSetRoleInput)
    .mutation(({ ctx, input }) => setUserRole({ actor: ctx.actor, input })),
});
