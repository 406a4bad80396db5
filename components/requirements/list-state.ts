/**
 * The requirements list's view, filters and sort, kept in the URL so a link
 * or a reload shows the same list. Shared by the server page (first render)
 * and the client view.
 */
import { tag as tagSchema } from "@/lib/schemas/requirement";

import {
  isPriority,
  isStatus,
  isType,
  type RequirementPriority,
  type RequirementStatus,
  type RequirementType,
} from "./labels";

export type ListView = "table" | "tree";
export type ListSort = "key" | "updated";
export type SortOrder = "asc" | "desc";

export interface ListState {
  view: ListView;
  status: RequirementStatus[];
  type: RequirementType[];
  priority: RequirementPriority[];
  tag: string;
  q: string;
  sort: ListSort;
  order: SortOrder;
}

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function get(params: ParamSource, name: string): string {
  if (params instanceof URLSearchParams) return params.getAll(name).join(",");
  const v = params[name];
  return Array.isArray(v) ? v.join(",") : (v ?? "");
}

function list<T extends string>(raw: string, guard: (v: unknown) => v is T): T[] {
  return [
    ...new Set(
      raw
        .split(",")
        .map((s) => s.trim().toUpperCase())
        .filter(guard),
    ),
  ];
}

export const defaultOrder = (sort: ListSort): SortOrder => (sort === "updated" ? "desc" : "asc");

export function parseListState(params: ParamSource): ListState {
  const sort: ListSort = get(params, "sort") === "updated" ? "updated" : "key";
  const orderRaw = get(params, "order");
  const tagRaw = get(params, "tag").trim();
  return {
    view: get(params, "view") === "tree" ? "tree" : "table",
    status: list(get(params, "status"), isStatus),
    type: list(get(params, "type"), isType),
    priority: list(get(params, "priority"), isPriority),
    tag: tagSchema.safeParse(tagRaw).success ? tagRaw : "",
    q: get(params, "q").slice(0, 200),
    sort,
    order: orderRaw === "asc" || orderRaw === "desc" ? orderRaw : defaultOrder(sort),
  };
}

export function serializeListState(s: ListState): string {
  const p = new URLSearchParams();
  if (s.view !== "table") p.set("view", s.view);
  if (s.q.trim()) p.set("q", s.q.trim());
  if (s.status.length) p.set("status", s.status.join(","));
  if (s.type.length) p.set("type", s.type.join(","));
  if (s.priority.length) p.set("priority", s.priority.join(","));
  if (s.tag) p.set("tag", s.tag);
  if (s.sort !== "key") p.set("sort", s.sort);
  if (s.order !== defaultOrder(s.sort)) p.set("order", s.order);
  return p.toString();
}

export const PAGE_SIZE = 50;

/** The requirement.list input for a state (without the cursor). */
export function listInputOf(projectKey: string, s: ListState) {
  return {
    projectKey,
    limit: PAGE_SIZE,
    sort: s.sort,
    order: s.order,
    ...(s.status.length ? { status: s.status } : {}),
    ...(s.type.length ? { type: s.type } : {}),
    ...(s.priority.length ? { priority: s.priority } : {}),
    ...(s.tag ? { tag: s.tag } : {}),
    ...(s.q.trim() ? { q: s.q.trim() } : {}),
  };
}

export function hasFilters(s: ListState): boolean {
  return Boolean(s.status.length || s.type.length || s.priority.length || s.tag || s.q.trim());
}
