import { z } from "zod";

/** An invitation link's token, as emailed: 43 base64url characters. */
const invitationToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "This link is not valid; copy the whole link from the email");

/** An invitation to answer: one of yours by id (from the app), or any by the emailed link's token. */
export const invitationAnswerInput = z.union([
  z.object({ id: z.string().uuid("Not an invitation") }),
  z.object({ token: invitationToken }),
]);
export const invitationPreviewInput = z.object({ token: invitationToken });
