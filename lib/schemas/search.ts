import { z } from "zod";

import { pagination, projectKey } from "./common";

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
