import { z } from "zod";

import { dateTimeOut } from "./common";
import { INVITATION_STATUSES, projectRole } from "./project";

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

/* ------------------------------------------------------------------ outputs */

/** An open invitation to the signed-in person: the project, the role, and who sent it. */
export const receivedInvitationOut = z
  .object({
    id: z.string(),
    email: z.string(),
    role: projectRole,
    createdAt: dateTimeOut,
    expiresAt: dateTimeOut,
    /** Who sent it (only their name); null once that account is gone. */
    invitedBy: z.object({ name: z.string() }).nullable(),
    project: z.object({ key: z.string(), name: z.string(), archivedAt: dateTimeOut.nullable() }),
  })
  .meta({ id: "ReceivedInvitation", description: "An invitation to the caller: the project, the role, who sent it" });

/** The signed-in person's open invitations, newest first. */
export const receivedInvitationListOut = z.array(receivedInvitationOut);

/** What an emailed invitation link invites to, and whether it is still open. */
export const invitationPreviewOut = receivedInvitationOut
  .extend({ status: z.enum(INVITATION_STATUSES) })
  .meta({ id: "InvitationPreview", description: "What an emailed invitation link invites to, and whether it is open" });

/** The answer to accepting an invitation: the project joined and the role there. */
export const invitationAcceptedOut = z.object({ projectKey: z.string(), role: projectRole });
