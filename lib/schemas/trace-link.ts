import { z } from "zod";

import { id, longText, projectKey } from "./common";
import { issueKey } from "./issue";
import { requirementKey } from "./requirement";

export const REQUIREMENT_LINK_TYPES = ["PARENT_OF", "DERIVES_FROM", "REFINES", "CONFLICTS_WITH"] as const;
export const ISSUE_LINK_TYPES = ["IMPLEMENTS", "VERIFIES", "RELATES_TO"] as const;
export const traceLinkType = z.enum([...REQUIREMENT_LINK_TYPES, ...ISSUE_LINK_TYPES]);

/** A requirement (PAY-12) or an issue (PAY-I-7). */
export const itemKey = z.union([requirementKey, issueKey], {
  error: "Expected a requirement (PAY-12) or issue (PAY-I-7) key",
});

export const traceLinkCreateInput = z.object({
  projectKey,
  /** The downstream item: a requirement or an issue. */
  from: itemKey,
  /** The upstream requirement. */
  to: requirementKey,
  type: traceLinkType,
});
export type TraceLinkCreateInput = z.infer<typeof traceLinkCreateInput>;

export const traceLinkDeleteInput = z.object({ projectKey, linkId: id });
export const traceLinkClearSuspectInput = z.object({
  projectKey,
  linkId: id,
  reason: longText(500).pipe(z.string().trim().min(1, "Say why the link still holds")),
});
export const traceLinkListForInput = z.object({ key: itemKey });
export const traceLinkImpactInput = z.object({ key: requirementKey });
export const traceLinkMatrixInput = z.object({
  projectKey,
  type: z.array(traceLinkType).max(7).optional(),
  suspectOnly: z.boolean().default(false),
  format: z.enum(["json", "csv"]).default("json"),
});
export type TraceLinkMatrixInput = z.infer<typeof traceLinkMatrixInput>;
export const traceLinkCoverageInput = z.object({ projectKey });
