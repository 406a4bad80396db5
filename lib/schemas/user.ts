import { z } from "zod";

import { id, pagination } from "./common";

export const instanceRole = z.enum(["ADMIN", "USER"]);

export const userListInput = z.object({
  ...pagination,
  query: z.string().trim().max(100).optional(),
});
export type UserListInput = z.infer<typeof userListInput>;

export const userSetRoleInput = z.object({ userId: id, role: instanceRole });
export type UserSetRoleInput = z.infer<typeof userSetRoleInput>;
