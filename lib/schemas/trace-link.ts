import { z } from "zod";

import { dateTimeOut, id, longText, projectKey } from "./common";
import { issueKey, issueSeverity, issueStatus } from "./issue";
import { requirementKey, requirementStatus } from "./requirement";

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

/* ------------------------------------------------------------------ outputs */

/** A requirement at one end of a link, at its current version. */
export const linkedRequirementOut = z.object({
  key: z.string(),
  title: z.string(),
  status: requirementStatus,
  version: z.number(),
});

/** The downstream end of a link: a requirement or an issue. */
export const traceLinkSourceOut = z.discriminatedUnion("kind", [
  linkedRequirementOut.extend({ kind: z.literal("requirement") }),
  z.object({
    kind: z.literal("issue"),
    key: z.string(),
    title: z.string(),
    status: issueStatus,
    severity: issueSeverity,
  }),
]);

/** A trace link from a requirement or issue to the upstream requirement, and whether it needs review. */
export const traceLinkOut = z
  .object({
    id: z.string(),
    type: traceLinkType,
    /** The upstream requirement's version the link was made (or last reviewed) against. */
    linkedVersion: z.number(),
    /** The upstream requirement changed since: the link needs review. */
    suspect: z.boolean(),
    suspectSince: dateTimeOut.nullable(),
    /** When the link was last reviewed, and why it still holds. */
    clearedAt: dateTimeOut.nullable(),
    clearReason: z.string().nullable(),
    createdAt: dateTimeOut,
    from: traceLinkSourceOut,
    to: linkedRequirementOut,
  })
  .meta({ id: "TraceLink", description: "A link from a requirement or issue to an upstream requirement" });

/** The answer to deleting a link. */
export const traceLinkDeletedOut = z.object({ deleted: z.literal(true), linkId: z.string() });

/** The links from an item (outgoing) and to it (incoming, requirements only), oldest first. */
export const traceLinksForOut = z.object({
  outgoing: z.array(traceLinkOut),
  incoming: z.array(traceLinkOut),
});

/** A requirement in a traceability view. */
export const traceRequirementOut = z.object({ key: z.string(), title: z.string(), status: requirementStatus });
/** An issue in a traceability view. */
export const traceIssueOut = z.object({ key: z.string(), title: z.string(), status: issueStatus });

/** Requirements × issues with the link types between them; `limited` says rows, columns or links were left out. */
export const traceMatrixOut = z
  .object({
    /** The rows, by key number. */
    requirements: z.array(traceRequirementOut),
    /** The columns, by key number. */
    issues: z.array(traceIssueOut),
    /** One per link between a row and a column. */
    cells: z.array(
      z.object({ requirementKey: z.string(), issueKey: z.string(), type: traceLinkType, suspect: z.boolean() }),
    ),
    /** The grid as CSV when asked for (`format: "csv"`), else null. */
    csv: z.string().nullable(),
    limited: z.boolean(),
  })
  .meta({ id: "TraceMatrix", description: "Requirements × issues with the link types between them" });

/** How many of the approved requirements have a done issue of a kind, and what share (null when none are approved). */
const coverageShareOut = z.object({ count: z.number(), percent: z.number().nullable() });

/** A project's traceability coverage: approved requirements implemented and verified, suspect links, orphans. */
export const traceCoverageOut = z
  .object({
    /** Requirements approved, implemented or verified. */
    approvedRequirements: z.number(),
    implemented: coverageShareOut,
    verified: coverageShareOut,
    suspectLinks: z.number(),
    /** Requirements (not deprecated) without any link: how many, and the first of them. */
    orphanRequirements: z.object({ count: z.number(), items: z.array(traceRequirementOut) }),
    /** Issues without any link: how many, and the first of them. */
    orphanIssues: z.object({ count: z.number(), items: z.array(traceIssueOut) }),
  })
  .meta({ id: "TraceCoverage", description: "Approved requirements implemented and verified, suspect links, orphans" });

/** Everything downstream of a requirement, nearest first; `limited` says a bound cut the answer short. */
export const traceImpactOut = z
  .object({
    root: z.object({ key: z.string(), title: z.string() }),
    /** Requirements linked to the root, directly or through others, at their shortest distance. */
    requirements: z.array(traceRequirementOut.extend({ depth: z.number() })),
    /** Issues linked to any of them, with the types of those links. */
    issues: z.array(traceIssueOut.extend({ depth: z.number(), via: z.array(traceLinkType) })),
    limited: z.boolean(),
  })
  .meta({ id: "TraceImpact", description: "Requirements and issues downstream of a requirement" });
