/**
 * Daily statistics: aggregation numbers on a fixture with known answers
 * (four past days, one of them without activity, plus today), idempotent
 * recomputes, the dashboard read, bad input, and the Inngest function run
 * in-process with @inngest/test against the real database.
 */

import { InngestTestEngine } from "@inngest/test";
import type { IssueSeverity, IssueStatus, RequirementStatus, TraceLinkType } from "@prisma/client";
import { beforeAll, describe, expect, it, vi } from "vitest";

import { addDays, utcToday } from "@/lib/schemas/stats";
import { db } from "@/server/db";
import { aggregateDailyStatsFunction } from "@/server/jobs/functions/aggregate-daily-stats";
import {
  aggregateDailyStats,
  aggregateProjectDays,
  type DailyStatRow,
  runScheduledAggregation,
} from "@/server/services/stats/aggregate-daily-stats";

import {
  addMembership,
  callerFor,
  createProjectWithCast,
  createUser,
  expectTRPCError,
  uniqueProjectKey,
} from "../helpers/factories";

// Fault injection for the retry test: the real aggregation, which can be told to fail its next call.
const fault = vi.hoisted(() => ({ failNext: null as Error | null }));
vi.mock("@/server/services/stats/aggregate-daily-stats", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/server/services/stats/aggregate-daily-stats")>();
  return {
    ...actual,
    aggregateDailyStats: async (...args: Parameters<typeof actual.aggregateDailyStats>) => {
      const err = fault.failNext;
      fault.failNext = null;
      if (err) throw err;
      return actual.aggregateDailyStats(...args);
    },
  };
});

const TODAY = utcToday();
const D0 = addDays(TODAY, -6);
const D1 = addDays(TODAY, -5);
const D2 = addDays(TODAY, -4); // no activity at all
const D3 = addDays(TODAY, -3);
const at = (day: string, time: string) => new Date(`${day}T${time}Z`);

type Cast = Awaited<ReturnType<typeof createProjectWithCast>>;

/** Issues, requirements (with dated versions) and links written straight to the database with the timestamps the fixture needs. */
async function seedFixture(cast: Cast) {
  const projectId = cast.project.id;
  let issueNo = 0;
  const issue = async (severity: IssueSeverity, status: IssueStatus, createdAt: Date, closedAt: Date | null = null) => {
    issueNo += 1;
    return db.issue.create({
      data: {
        projectId,
        number: issueNo,
        key: `${cast.key}-I-${issueNo}`,
        title: `Fixture issue ${issueNo}`,
        severity,
        status,
        labels: [],
        reporterId: cast.admin.id,
        createdAt,
        updatedAt: closedAt ?? createdAt,
        closedAt,
      },
      select: { id: true },
    });
  };
  let reqNo = 0;
  const requirement = async (versions: [RequirementStatus, Date][]) => {
    reqNo += 1;
    const [lastStatus] = versions.at(-1)!;
    const common = {
      title: `Fixture requirement ${reqNo}`,
      statement: "The system shall work.",
      rationale: "",
      type: "FUNCTIONAL" as const,
      priority: "MUST" as const,
      tags: [] as string[],
      position: reqNo,
    };
    const r = await db.requirement.create({
      data: {
        ...common,
        projectId,
        number: reqNo,
        key: `${cast.key}-${reqNo}`,
        version: versions.length,
        status: lastStatus,
        createdAt: versions[0]![1],
        updatedAt: versions.at(-1)![1],
      },
      select: { id: true },
    });
    await db.requirementVersion.createMany({
      data: versions.map(([status, createdAt], i) => ({
        ...common,
        requirementId: r.id,
        projectId,
        version: i + 1,
        status,
        changeKind: i === 0 ? "created" : "transitioned",
        createdAt,
      })),
    });
    return r;
  };
  const link = (
    issueId: string,
    requirementId: string,
    type: TraceLinkType,
    createdAt: Date,
    suspectSince: Date | null = null,
  ) =>
    db.traceLink.create({
      data: {
        projectId,
        type,
        sourceKey: `I:${issueId}`,
        sourceIssueId: issueId,
        targetRequirementId: requirementId,
        linkedVersion: 1,
        suspect: suspectSince !== null,
        suspectSince,
        createdAt,
      },
    });

  await issue("LOW", "OPEN", at(D0, "10:00:00"));
  const i2 = await issue("HIGH", "DONE", at(D0, "12:00:00"), at(D1, "09:00:00"));
  await issue("CRITICAL", "TRIAGED", at(D1, "08:00:00"));
  await issue("MEDIUM", "WONT_FIX", at(D1, "23:59:59.500"), at(D3, "01:00:00"));
  const i5 = await issue("HIGH", "IN_PROGRESS", at(D3, "10:00:00"));
  const i6 = await issue("LOW", "DONE", at(D3, "11:00:00"), at(D3, "15:00:00"));

  const r1 = await requirement([
    ["DRAFT", at(D0, "09:00:00")],
    ["IN_REVIEW", at(D1, "10:00:00")],
    ["APPROVED", at(D1, "11:00:00")],
  ]);
  const r2 = await requirement([
    ["DRAFT", at(D1, "12:00:00")],
    ["IN_REVIEW", at(D3, "09:00:00")],
    ["APPROVED", at(D3, "10:00:00")],
    ["IMPLEMENTED", at(D3, "11:00:00")],
  ]);
  await requirement([
    ["DRAFT", at(D0, "08:00:00")],
    ["DEPRECATED", at(D3, "12:00:00")],
  ]);

  await link(i2.id, r1.id, "IMPLEMENTS", at(D0, "13:00:00"));
  await link(i5.id, r2.id, "IMPLEMENTS", at(D3, "10:30:00"), at(D3, "12:00:00"));
  await link(i6.id, r2.id, "VERIFIES", at(D3, "11:30:00"));
}

const sev = (LOW: number, MEDIUM: number, HIGH: number, CRITICAL: number) => ({ LOW, MEDIUM, HIGH, CRITICAL });
const sts = (OPEN: number, TRIAGED: number, IN_PROGRESS: number, DONE: number, WONT_FIX: number) => ({
  OPEN,
  TRIAGED,
  IN_PROGRESS,
  DONE,
  WONT_FIX,
});
const reqs = (
  DRAFT: number,
  IN_REVIEW: number,
  APPROVED: number,
  IMPLEMENTED: number,
  VERIFIED: number,
  DEPRECATED: number,
) => ({
  DRAFT,
  IN_REVIEW,
  APPROVED,
  IMPLEMENTED,
  VERIFIED,
  DEPRECATED,
});

/** The known answers, day by day. */
const EXPECTED: Record<string, Omit<DailyStatRow, "projectId" | "day" | "computedAt">> = {
  [D0]: {
    openBySeverity: sev(1, 0, 1, 0),
    // I-2 was open at the end of D0 and is DONE now: counted as IN_PROGRESS, the only way into DONE.
    issuesByStatus: sts(1, 0, 1, 0, 0),
    issuesCreated: 2,
    issuesClosed: 0,
    requirementsByStatus: reqs(2, 0, 0, 0, 0, 0),
    versionsWritten: 2,
    suspectLinks: 0,
    coveragePct: null,
  },
  [D1]: {
    openBySeverity: sev(1, 1, 0, 1),
    // I-4 (WONT_FIX now, closed on D3) was open: counted as OPEN.
    issuesByStatus: sts(2, 1, 0, 1, 0),
    issuesCreated: 2,
    issuesClosed: 1,
    requirementsByStatus: reqs(2, 0, 1, 0, 0, 0),
    versionsWritten: 3,
    suspectLinks: 0,
    coveragePct: 100,
  },
  [D2]: {
    openBySeverity: sev(1, 1, 0, 1),
    issuesByStatus: sts(2, 1, 0, 1, 0),
    issuesCreated: 0,
    issuesClosed: 0,
    requirementsByStatus: reqs(2, 0, 1, 0, 0, 0),
    versionsWritten: 0,
    suspectLinks: 0,
    coveragePct: 100,
  },
  [D3]: {
    openBySeverity: sev(1, 0, 1, 1),
    issuesByStatus: sts(1, 1, 1, 2, 1),
    issuesCreated: 2,
    issuesClosed: 2,
    requirementsByStatus: reqs(0, 0, 1, 1, 0, 1),
    versionsWritten: 4,
    suspectLinks: 1,
    // R-1 (done IMPLEMENTS from I-2) of R-1, R-2 (IMPLEMENTS only from I-5, in progress).
    coveragePct: 50,
  },
};
const EXPECTED_TODAY = { ...EXPECTED[D3]!, issuesCreated: 0, issuesClosed: 0, versionsWritten: 0 };

const numbers = ({ computedAt: _c, ...rest }: DailyStatRow) => rest;

describe("aggregation on a fixture with known answers", () => {
  let cast: Cast;
  beforeAll(async () => {
    cast = await createProjectWithCast();
    await seedFixture(cast);
  });

  it("computes each past day, including one without activity, and today", async () => {
    for (const day of [D0, D1, D2, D3]) {
      const row = await aggregateDailyStats({ projectId: cast.project.id, day });
      expect(numbers(row)).toEqual({ day, projectId: cast.project.id, ...EXPECTED[day] });
    }
    const today = await aggregateDailyStats({ projectId: cast.project.id, day: TODAY });
    expect(numbers(today)).toEqual({ projectId: cast.project.id, day: TODAY, ...EXPECTED_TODAY });
  });

  it("today's coverage and suspect count match the traceability view", async () => {
    const cov = await callerFor(cast.maintainer.id).traceLink.coverage({ projectKey: cast.key });
    const today = await aggregateDailyStats({ projectId: cast.project.id, day: TODAY });
    expect(today.coveragePct).toBe(cov.implemented.percent);
    expect(today.suspectLinks).toBe(cov.suspectLinks);
  });

  it("recomputing is idempotent: same numbers, one row per day", async () => {
    const first = (await aggregateProjectDays({ projectId: cast.project.id, from: D0, to: TODAY })).map(numbers);
    const second = (await aggregateProjectDays({ projectId: cast.project.id, from: D0, to: TODAY })).map(numbers);
    expect(second).toEqual(first);
    expect(first).toHaveLength(7);
    expect(await db.dailyStat.count({ where: { projectId: cast.project.id } })).toBe(7);
    // Days between D3 and today have D3's state and no activity.
    expect(first[5]).toMatchObject({ day: addDays(TODAY, -1), ...EXPECTED_TODAY });
  });

  it("a past day keeps its stored suspect count; today takes the current one", async () => {
    await db.dailyStat.update({
      where: { projectId_day: { projectId: cast.project.id, day: new Date(`${D2}T00:00:00Z`) } },
      data: { suspectLinks: 7 },
    });
    expect((await aggregateDailyStats({ projectId: cast.project.id, day: D2 })).suspectLinks).toBe(7);
    await db.traceLink.updateMany({
      where: { projectId: cast.project.id, suspect: true },
      data: { suspect: false, suspectSince: null },
    });
    expect((await aggregateDailyStats({ projectId: cast.project.id, day: TODAY })).suspectLinks).toBe(0);
    expect((await aggregateDailyStats({ projectId: cast.project.id, day: D3 })).suspectLinks).toBe(1);
  });

  it("a new project's dashboard has today's numbers at once, computed once, for a reporter too", async () => {
    const owner = await createUser();
    const reporterUser = await createUser();
    const caller = callerFor(owner.id);
    const project = await caller.project.create({ key: uniqueProjectKey(), name: "Fresh", description: "" });
    await addMembership(project.id, reporterUser.id, "REPORTER");
    await caller.issue.create({ projectKey: project.key, title: "First", severity: "HIGH" });
    await caller.requirement.create({ projectKey: project.key, title: "One", statement: "The system shall work." });
    expect(await db.dailyStat.count({ where: { projectId: project.id } })).toBe(0);

    const reporter = callerFor(reporterUser.id);
    const first = await reporter.stats.dashboard({ projectKey: project.key, days: 30 });
    expect(first.current).toMatchObject({ day: TODAY, openIssues: 1, openBySeverity: { HIGH: 1 } });
    expect(first.current?.requirementsByStatus.DRAFT).toBe(1);
    expect(first.series.at(-1)?.stat).not.toBeNull();
    // Read again: the stored row is used, not recomputed.
    const again = await reporter.stats.dashboard({ projectKey: project.key, days: 30 });
    expect(again.computedAt).toEqual(first.computedAt);
    expect(await db.dailyStat.count({ where: { projectId: project.id } })).toBe(1);
  });

  it("stats.dashboard returns the latest state and one entry per day of the window", async () => {
    const reporter = callerFor(cast.reporter.id);
    const dash = await reporter.stats.dashboard({ projectKey: cast.key, days: 30 });
    expect(dash).toMatchObject({ days: 30, from: addDays(TODAY, -29), to: TODAY });
    expect(dash.series).toHaveLength(30);
    expect(dash.series[0]).toEqual({ day: addDays(TODAY, -29), stat: null });
    expect(dash.series.filter((s) => s.stat !== null).map((s) => s.day)).toEqual([
      D0,
      D1,
      D2,
      D3,
      addDays(TODAY, -2),
      addDays(TODAY, -1),
      TODAY,
    ]);
    expect(dash.series.find((s) => s.day === D1)?.stat).toMatchObject(EXPECTED[D1]!);
    expect(dash.current).toEqual({
      day: TODAY,
      openIssues: 3,
      openBySeverity: EXPECTED_TODAY.openBySeverity,
      issuesByStatus: EXPECTED_TODAY.issuesByStatus,
      requirementsByStatus: EXPECTED_TODAY.requirementsByStatus,
      coveragePct: 50,
      suspectLinks: 0,
    });
    expect(dash.totals).toEqual({ issuesCreated: 6, issuesClosed: 3, versionsWritten: 9 });
    expect(dash.computedAt).toBeInstanceOf(Date);

    const ninety = await reporter.stats.dashboard({ projectKey: cast.key, days: 90 });
    expect(ninety.series).toHaveLength(90);

    const daily = await reporter.stats.daily({ projectKey: cast.key, from: D1, to: D3 });
    expect(daily.items.map((r) => r.day)).toEqual([D1, D2, D3]);
    // D2's suspect count was set to 7 by the previous test and is kept.
    expect(daily.items[1]).toMatchObject({ ...EXPECTED[D2]!, suspectLinks: 7 });
  });

  it("stats.refresh recomputes today (or a given day) for maintainers", async () => {
    const maint = callerFor(cast.maintainer.id);
    await db.issue.create({
      data: {
        projectId: cast.project.id,
        number: 99,
        key: `${cast.key}-I-99`,
        title: "New today",
        severity: "CRITICAL",
        labels: [],
      },
    });
    const row = await maint.stats.refresh({ projectKey: cast.key });
    expect(row).toMatchObject({ day: TODAY, issuesCreated: 1, openBySeverity: sev(1, 0, 1, 2) });
    const past = await maint.stats.refresh({ projectKey: cast.key, day: D2 });
    expect(past).toMatchObject({ day: D2, issuesCreated: 0 });
    await expectTRPCError(callerFor(cast.reporter.id).stats.refresh({ projectKey: cast.key }), "FORBIDDEN");
  });
});

describe("bad input is refused and writes nothing", () => {
  let cast: Cast;
  beforeAll(async () => {
    cast = await createProjectWithCast();
  });

  it("refuses unknown projects, windows other than 30/90, reversed and oversized ranges, bad and future days", async () => {
    const maint = callerFor(cast.maintainer.id);
    const before = await db.dailyStat.count();
    await expectTRPCError(maint.stats.dashboard({ projectKey: uniqueProjectKey(), days: 30 }), "NOT_FOUND");
    await expectTRPCError(maint.stats.daily({ projectKey: uniqueProjectKey(), from: D0, to: D1 }), "NOT_FOUND");
    await expectTRPCError(maint.stats.refresh({ projectKey: uniqueProjectKey() }), "NOT_FOUND");
    await expectTRPCError(maint.stats.dashboard({ projectKey: cast.key, days: 7 as 30 }), "BAD_REQUEST");
    await expectTRPCError(maint.stats.daily({ projectKey: cast.key, from: D1, to: D0 }), "BAD_REQUEST");
    await expectTRPCError(
      maint.stats.daily({ projectKey: cast.key, from: addDays(TODAY, -366), to: TODAY }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      maint.stats.daily({ projectKey: cast.key, from: "2026-02-30", to: "2026-03-01" }),
      "BAD_REQUEST",
    );
    await expectTRPCError(maint.stats.daily({ projectKey: cast.key, from: "yesterday", to: TODAY }), "BAD_REQUEST");
    await expectTRPCError(maint.stats.refresh({ projectKey: cast.key, day: addDays(TODAY, 1) }), "BAD_REQUEST");
    // The widest allowed range is fine.
    await expect(
      maint.stats.daily({ projectKey: cast.key, from: addDays(TODAY, -365), to: TODAY }),
    ).resolves.toMatchObject({ items: [] });
    await expect(aggregateDailyStats({ projectId: "no-such-project", day: TODAY })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(aggregateProjectDays({ projectId: cast.project.id, from: D1, to: D0 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await db.dailyStat.count()).toBe(before);
  });

  it("an archived project can be read but not refreshed, and the scheduled run skips it", async () => {
    const admin = callerFor(cast.admin.id);
    await admin.project.archive({ projectKey: cast.key, archived: true });
    await expectTRPCError(callerFor(cast.maintainer.id).stats.refresh({ projectKey: cast.key }), "FORBIDDEN");
    await expect(admin.stats.dashboard({ projectKey: cast.key, days: 30 })).resolves.toMatchObject({ current: null });
    await runScheduledAggregation();
    expect(await db.dailyStat.count({ where: { projectId: cast.project.id } })).toBe(0);
  });
});

describe("aggregate-daily-stats (Inngest function, in-process)", () => {
  const engine = () => new InngestTestEngine({ function: aggregateDailyStatsFunction });
  const cronEvent = { name: "inngest/scheduled.timer", data: { cron: "*/30 * * * *" } };
  const requested = (data: Record<string, unknown>) => ({ name: "specline/stats.aggregate.requested", data });
  let projectId: string;
  let archivedId: string;

  beforeAll(async () => {
    const owner = await createUser();
    const caller = callerFor(owner.id);
    const project = await caller.project.create({ key: uniqueProjectKey(), name: "Jobs", description: "" });
    projectId = project.id;
    await caller.issue.create({ projectKey: project.key, title: "One", severity: "HIGH" });
    const archived = await caller.project.create({ key: uniqueProjectKey(), name: "Old", description: "" });
    archivedId = archived.id;
    await caller.project.archive({ projectKey: archived.key, archived: true });
  });

  const rowsOf = (id: string) => db.dailyStat.findMany({ where: { projectId: id }, orderBy: { day: "asc" } });

  it("a cron run recomputes yesterday and today for every active project, in one step per project", async () => {
    const { result, ctx } = await engine().execute({ events: [cronEvent as never] });
    expect(result).toMatchObject({ days: [addDays(TODAY, -1), TODAY] });
    expect(ctx.step.run).toHaveBeenCalledWith(`aggregate-project-${projectId}`, expect.any(Function));
    expect(ctx.step.run).not.toHaveBeenCalledWith(`aggregate-project-${archivedId}`, expect.any(Function));
    const rows = await rowsOf(projectId);
    expect(rows.map((r) => r.day.toISOString().slice(0, 10))).toEqual([addDays(TODAY, -1), TODAY]);
    expect(rows[1]).toMatchObject({ issuesCreated: 1, openBySeverity: sev(0, 0, 1, 0) });
    expect(await rowsOf(archivedId)).toHaveLength(0);
  });

  it("an on-demand event recomputes the requested project and day only", async () => {
    const day = addDays(TODAY, -10);
    const { result } = await engine().execute({ events: [requested({ projectId, day }) as never] });
    expect(result).toEqual({ projects: 1, days: [day] });
    expect((await rowsOf(projectId)).map((r) => r.day.toISOString().slice(0, 10))).toEqual([
      day,
      addDays(TODAY, -1),
      TODAY,
    ]);
  });

  it("a step that fails once is retried and the retry writes the rows exactly once", async () => {
    await db.dailyStat.deleteMany({ where: { projectId } });
    fault.failNext = new Error("connection reset");
    const first = await engine().execute({ events: [requested({ projectId })] as never });
    expect(first.error).toMatchObject({ message: "connection reset" });
    expect(await rowsOf(projectId)).toHaveLength(0);

    // The retry: Inngest replays the memoized plan and runs the failed step again.
    const planCall = vi.mocked(first.ctx.step.run).mock.calls.findIndex(([id]) => id === "plan-projects-and-days");
    const plan: unknown = await vi.mocked(first.ctx.step.run).mock.results[planCall]!.value;
    expect(plan).toMatchObject({ projectIds: [projectId] });
    const retry = await engine().execute({
      events: [requested({ projectId })] as never,
      steps: [{ id: "plan-projects-and-days", handler: () => plan }],
    });
    expect(retry.error).toBeUndefined();
    expect(retry.result).toEqual({ projects: 1, days: [addDays(TODAY, -1), TODAY] });
    expect(await rowsOf(projectId)).toHaveLength(2);
    // Running the step once more (a duplicate delivery) changes nothing.
    await engine().execute({
      events: [requested({ projectId })] as never,
      steps: [{ id: "plan-projects-and-days", handler: () => plan }],
    });
    expect(await rowsOf(projectId)).toHaveLength(2);
  });

  it("an unknown project id (or a future day) fails permanently with NonRetriableError", async () => {
    const before = await db.dailyStat.count();
    const unknown = await engine().execute({ events: [requested({ projectId: "no-such-project" })] as never });
    expect(unknown.error).toMatchObject({
      name: "NonRetriableError",
      message: "Project no-such-project does not exist",
    });
    const future = await engine().execute({ events: [requested({ projectId, day: addDays(TODAY, 2) })] as never });
    expect(future.error).toMatchObject({ name: "NonRetriableError" });
    const malformed = await engine().execute({ events: [requested({ day: "2026-13-01" })] as never });
    expect(malformed.error).toMatchObject({ name: "NonRetriableError" });
    expect(await db.dailyStat.count()).toBe(before);
  });
});
