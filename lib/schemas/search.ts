import { z } from "zod";

import { pageOut, pagination, projectKey } from "./common";

export const searchQueryInput = z.object({
  /** Free text; anything is accepted (operators and punctuation are ignored). */
  q: z.string().max(20_000),
  projectKey: projectKey.optional(),
  kinds: z
    .array(z.enum(["requirement", "issue"]))
    .min(1)
    .max(2)
    .default(["requirement", "issue"]),
  ...pagination,
  limit: z.number().int().min(1).max(50).default(20),
});
export type SearchQueryInput = z.infer<typeof searchQueryInput>;

/** A run of a search hit's snippet; `highlight` marks the words that matched. */
export const searchSnippetSegmentOut = z.object({ text: z.string(), highlight: z.boolean() });

/** A requirement or issue that matches a search, ranked, with a highlighted snippet. */
export const searchHitOut = z
  .object({
    kind: z.enum(["requirement", "issue"]),
    key: z.string(),
    projectKey: z.string(),
    title: z.string(),
    /** The requirement's or issue's status (their own values). */
    status: z.string(),
    /** Relevance, best first; a typed key ranks its item first. */
    rank: z.number(),
    /** The whole title as runs of plain and highlighted text (the words that matched). */
    titleSnippet: z.array(searchSnippetSegmentOut),
    /** Text of the statement or description around the matches, Markdown marks removed, as runs of plain and highlighted text. */
    snippet: z.array(searchSnippetSegmentOut),
  })
  .meta({ id: "SearchHit", description: "A requirement or issue matching a search, with a highlighted snippet" });

/** One page of search hits, best first; `limited`: a broad query answered from the most recently updated items. */
export const searchPageOut = pageOut(searchHitOut).extend({
  /** True when the query matched too much to rank everything: the best of the most recently updated items. */
  limited: z.boolean(),
});

/** The words of free text a search looks for: letters and digits only, at most 12 words of 64 characters. */
export function searchWords(q: string): string[] {
  return (q.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12).map((w) => w.slice(0, 64).toLowerCase());
}

/** Turns free text into a safe prefix query: words only, AND-ed, each matching as a prefix. */
export function toPrefixQuery(q: string): string | null {
  const words = searchWords(q);
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

/** The same words without the prefix marks, for the index of every lexeme's prefixes. */
export function toExactQuery(q: string): string | null {
  const words = searchWords(q);
  return words.length ? words.join(" & ") : null;
}
