/** Search test data: thousands of issues written directly, with chosen update times, and paging to the end. */
import type { createProjectWithCast } from "./factories";
import { callerFor } from "./factories";

export function searchFixtures(cast: Awaited<ReturnType<typeof createProjectWithCast>>) {
  const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000);
  return {
    day,
    /** An issue row for `db.issue.createMany`. */
    issue(number: number, title: string, updatedAt: Date) {
      return {
        projectId: cast.project.id,
        number,
        key: `${cast.key}-${number}`,
        title,
        description: "Happens after a sync on build 1.",
        severity: "LOW" as const,
        reporterId: cast.maintainer.id,
        createdAt: day(0),
        updatedAt,
      };
    },
    /** Every hit of a query as the maintainer, following the cursor to the end. */
    async allPages(input: { q: string; projectKey?: string; kinds?: ("requirement" | "issue")[]; limit?: number }) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await callerFor(cast.maintainer.id).search.query({ limit: 50, ...input, cursor });
        seen.push(...page.items.map((h) => h.key));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    },
  };
}
