/** API output shapes the requirement and baseline views work with. */
import type { RouterOutputs as Outputs } from "@/lib/trpc/types";

export type RequirementListPage = Outputs["requirement"]["list"];
export type RequirementListItem = RequirementListPage["items"][number];
export type RequirementTreeData = Outputs["requirement"]["tree"];
export type TreeNode = RequirementTreeData["nodes"][number];
export type RequirementDetailData = Outputs["requirement"]["byKey"];
export type RequirementSaved = Outputs["requirement"]["update"];
export type HistoryPage = Outputs["requirement"]["history"];
export type HistoryEntry = HistoryPage["items"][number];
export type VersionDiff = Outputs["requirement"]["diff"];

export type BaselineListPage = Outputs["baseline"]["list"];
export type BaselineSummary = BaselineListPage["items"][number];
export type BaselineDetailPage = Outputs["baseline"]["byId"];
export type BaselineComparison = Outputs["baseline"]["compare"];

/**
 * pageParams for an infinite query's server-rendered first page. tRPC sends
 * no cursor for `undefined` (a `null` cursor fails input validation on every
 * refetch), but its types only admit string | null.
 */
export const FIRST_PAGE_PARAMS = [undefined] as unknown as [string | null];
