/**
 * Fans one domain event out to the people it concerns, in named steps:
 *
 *   watch      creators, assignees and mentioned users start watching
 *   recipients watchers of the item + of the project (+ mentioned users;
 *              a review event only the people it is addressed to),
 *              minus the actor, limited to members who may see the item,
 *              minus muted types; computed once so retries send the same
 *   in-app     one Notification per (user, event) — replays write nothing
 *   email      one ChannelDelivery per (event, address): sent at most once
 *   slack      one ChannelDelivery per (event, project)
 *   webhooks   WebhookDelivery rows for the project's matching webhooks
 *
 * The in-process dispatcher runs the steps directly; the Inngest function
 * `notify-on-event` runs each one as `step.run`, so Inngest retries them one
 * by one. Either way every step is idempotent, so running an event again
 * (a retry, a crash mid-batch, a replay) notifies nobody twice. Reading
 * and marking the notifications is the inbox's business (inbox.ts).
 */

import { appUrl, getEnv } from "@/lib/env.mjs";
import { ISSUE_STATUS_LABELS } from "@/lib/schemas/issue";
import { REQUIREMENT_STATUS_LABELS } from "@/lib/schemas/requirement";
import { roleHas } from "@/server/auth/permissions";
import { db } from "@/server/db";
import { isPermanentFailure, PermanentFailure } from "@/server/errors";
import { type DomainEvent, isNotifyingType } from "@/server/events/domain-events";
import { countNotificationSend } from "@/server/observability/metrics";
import { checkRateLimit } from "@/server/rate-limit";
import { canSeeIssue } from "@/server/services/issues/issue-access";
import { emailTime } from "@/server/services/mail/email-time";
import { sendMail } from "@/server/services/mail/mailer";
import { publishUnreadCounts } from "@/server/services/notifications/inbox";
import { peopleWithRoles } from "@/server/services/projects/people-with-roles";
import { autoWatch, type WatchTarget } from "@/server/services/subscriptions/subscriptions";

import { postToSlack } from "./slack";

export interface NotifySteps {
  /** Runs one named, idempotent step (Inngest: `step.run`, retried on its own). */
  run: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  /** Inngest mode: ask `deliver-webhook` to send these deliveries. In-process the dispatcher sends them. */
  requestWebhookDeliveries?: (ids: string[]) => Promise<void>;
  /**
   * Whether the channel steps may run side by side. In-process they do (they are independent, and the
   * dispatcher's throughput is their sum otherwise); Inngest memoizes steps one at a time by name.
   */
  concurrent?: boolean;
}

const inProcess: NotifySteps = { run: (_name, fn) => fn(), concurrent: true };

interface Subject {
  entityType: "requirement" | "issue";
  entityId: string;
  key: string;
  title: string;
  reporterId: string | null;
  assigneeId: string | null;
}

export interface Recipient {
  userId: string;
  address: string;
  /** The zone the recipient's emails give times in (their profile's; UTC unless they set one). */
  timeZone: string;
  /** `addressed`: the event names them (a reviewer asked, the requester of an answered review). */
  kind: "watch" | "mention" | "addressed";
  inApp: boolean;
  byEmail: boolean;
}

export interface NotificationPlan {
  projectKey: string;
  title: string;
  /** Title for mentioned users ("… mentioned you on …"). */
  mentionTitle?: string;
  body: string;
  url: string;
  recipients: Recipient[];
}

export interface ChannelFailure {
  step: string;
  error: string;
  permanent: boolean;
}

export interface NotifyResult {
  type: string;
  watched: number;
  notified: number;
  emailed: number;
  slack: "sent" | "skipped" | "failed";
  webhookDeliveries: number;
  failures: ChannelFailure[];
}

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const field = (obj: unknown, name: string): unknown =>
  obj && typeof obj === "object" ? (obj as Record<string, unknown>)[name] : undefined;

function excerpt(text: string, max = 280): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Comment events: they carry the mentioned users, and an edit notifies only the newly mentioned. */
const COMMENT_EVENTS: ReadonlySet<string> = new Set([
  "issue.commented",
  "issue.comment_edited",
  "requirement.commented",
  "requirement.comment_edited",
]);
const isCommentEdit = (type: string) => type.endsWith(".comment_edited");
/** Review events go to the people they name (`notifyIds`), not to the item's watchers. */
const isReviewEvent = (type: string) => type.startsWith("review.");

/** What a watcher of the event follows: the requirement or issue it is about. */
async function findSubject(event: DomainEvent): Promise<Subject | null> {
  const p = event.payload;
  const issueSelect = { id: true, key: true, title: true, reporterId: true, assigneeId: true } as const;
  if (event.type.startsWith("requirement.") || isReviewEvent(event.type)) {
    // A comment or a review names its requirement by key; every other requirement event is about the requirement row.
    const key = str(p.requirementKey);
    const id = str(p.entityId);
    const requirementSelect = { id: true, key: true, title: true } as const;
    const r = key
      ? await db.requirement.findUnique({ where: { key }, select: requirementSelect })
      : id
        ? await db.requirement.findUnique({ where: { id }, select: requirementSelect })
        : null;
    return r
      ? { entityType: "requirement", entityId: r.id, key: r.key, title: r.title, reporterId: null, assigneeId: null }
      : null;
  }
  if (event.type.startsWith("issue.")) {
    const key = str(p.issueKey);
    const id = str(p.entityId);
    const i = key
      ? await db.issue.findUnique({ where: { key }, select: issueSelect })
      : id && p.entityType === "Issue"
        ? await db.issue.findUnique({ where: { id }, select: issueSelect })
        : null;
    return i
      ? {
          entityType: "issue",
          entityId: i.id,
          key: i.key,
          title: i.title,
          reporterId: i.reporterId,
          assigneeId: i.assigneeId,
        }
      : null;
  }
  if (event.type === "traceLink.suspected") {
    // The item downstream of the changed requirement is the one to review.
    const id = str(p.entityId);
    const link = id
      ? await db.traceLink.findUnique({
          where: { id },
          select: {
            sourceRequirement: { select: { id: true, key: true, title: true } },
            sourceIssue: { select: issueSelect },
          },
        })
      : null;
    if (link?.sourceRequirement) {
      const r = link.sourceRequirement;
      return {
        entityType: "requirement",
        entityId: r.id,
        key: r.key,
        title: r.title,
        reporterId: null,
        assigneeId: null,
      };
    }
    if (link?.sourceIssue) {
      const i = link.sourceIssue;
      return {
        entityType: "issue",
        entityId: i.id,
        key: i.key,
        title: i.title,
        reporterId: i.reporterId,
        assigneeId: i.assigneeId,
      };
    }
  }
  return null;
}

function canSee(subject: Subject, member: { userId: string; role: Parameters<typeof roleHas>[0] }): boolean {
  if (subject.entityType === "requirement") return roleHas(member.role, "requirement:read");
  return canSeeIssue(member, subject);
}

/** Users who start watching because of this event (creator, assignee, mentioned). */
async function watchStep(event: DomainEvent): Promise<number> {
  const p = event.payload;
  const projectId = event.projectId;
  if (!projectId) return 0;
  const actorId = str(p.actorId);
  const entityId = str(p.entityId);
  if ((event.type === "requirement.created" || event.type === "issue.created") && actorId && entityId) {
    const target: WatchTarget = { entityType: event.type === "issue.created" ? "issue" : "requirement", entityId };
    return autoWatch({ projectId, target, userIds: [actorId], reason: "created" });
  }
  if (event.type === "issue.assigned" && entityId) {
    const assigneeId = str(p.assigneeId);
    if (!assigneeId) return 0;
    return autoWatch({
      projectId,
      target: { entityType: "issue", entityId },
      userIds: [assigneeId],
      reason: "assigned",
    });
  }
  if (COMMENT_EVENTS.has(event.type)) {
    const mentions = strings(p.mentions);
    if (mentions.length === 0) return 0;
    const subject = await findSubject(event);
    if (!subject) return 0;
    const members = await peopleWithRoles(projectId, mentions);
    const visible = members.filter((m) => canSee(subject, m)).map((m) => m.userId);
    return autoWatch({
      projectId,
      target: { entityType: subject.entityType, entityId: subject.entityId },
      userIds: visible,
      reason: "mentioned",
    });
  }
  return 0;
}

async function describe(event: DomainEvent, subject: Subject, projectKey: string) {
  const p = event.payload;
  const actorId = str(p.actorId);
  const actor = actorId ? await db.user.findUnique({ where: { id: actorId }, select: { name: true } }) : null;
  const who = actor?.name ?? "Someone";
  const item = `${subject.key} ${subject.title}`;
  const section = subject.entityType === "issue" ? "issues" : "requirements";
  const url = `/projects/${projectKey}/${section}/${subject.key}`;
  const commentBody = excerpt(str(field(p.after, "body")) ?? "");
  switch (event.type) {
    case "requirement.updated":
      return {
        url,
        title: `${who} changed ${item}`,
        body: typeof p.version === "number" ? `Now at version ${p.version}.` : "",
      };
    case "requirement.transitioned":
      return {
        url,
        title: `${who} moved ${subject.key} from ${label(REQUIREMENT_STATUS_LABELS, p.from)} to ${label(REQUIREMENT_STATUS_LABELS, p.to)}`,
        body: subject.title,
      };
    case "requirement.restored":
      return {
        url,
        title: `${who} restored ${subject.key} to version ${String(p.restoredVersion)}`,
        body: subject.title,
      };
    case "review.requested":
      return {
        url,
        title: `${who} asked you to review ${item}`,
        body: excerpt(str(field(p.after, "note")) ?? `Version ${String(p.reviewedVersion)}.`),
      };
    case "review.responded":
      return {
        url,
        title: p.decision === "APPROVED" ? `${who} approved ${item}` : `${who} requested changes to ${item}`,
        body: excerpt(str(p.comment) ?? `Version ${String(p.reviewedVersion)}.`),
      };
    case "traceLink.suspected":
      return {
        url,
        title: `A link of ${subject.key} became suspect`,
        body: `${String(p.requirementKey)} changed (now version ${String(p.version)}); check that ${subject.key} still holds.`,
      };
    case "issue.created":
      return { url, title: `${who} reported ${item}`, body: excerpt(str(field(p.after, "description")) ?? "") };
    case "issue.assigned": {
      const assigneeId = str(p.assigneeId);
      const assignee = assigneeId
        ? await db.user.findUnique({ where: { id: assigneeId }, select: { name: true } })
        : null;
      return {
        url,
        title: assignee ? `${who} assigned ${subject.key} to ${assignee.name}` : `${who} unassigned ${subject.key}`,
        body: subject.title,
      };
    }
    case "issue.status_changed":
      return {
        url,
        title: `${who} moved ${subject.key} from ${label(ISSUE_STATUS_LABELS, p.from)} to ${label(ISSUE_STATUS_LABELS, p.to)}`,
        body: subject.title,
      };
    case "issue.commented":
    case "issue.comment_edited":
    case "requirement.commented":
    case "requirement.comment_edited":
      return {
        url,
        title: `${who} commented on ${item}`,
        body: commentBody,
        mentionTitle: `${who} mentioned you on ${item}`,
      };
    default:
      return { url, title: `${who}: ${event.type} on ${item}`, body: "" };
  }
}

/** Who is told about the event, and what they are told. */
async function recipientsStep(event: DomainEvent): Promise<NotificationPlan | null> {
  const projectId = event.projectId;
  if (!projectId || !isNotifyingType(event.type)) return null;
  const project = await db.project.findUnique({ where: { id: projectId }, select: { key: true } });
  if (!project) return null;
  const subject = await findSubject(event);
  if (!subject) return null;
  const p = event.payload;
  const actorId = str(p.actorId);
  // Edits of a comment notify only the people newly mentioned in it; a review event only those it names.
  const watchersToo = !isCommentEdit(event.type) && !isReviewEvent(event.type);
  const mentioned = new Set(COMMENT_EVENTS.has(event.type) ? strings(p.mentions) : []);
  const addressed = new Set(isReviewEvent(event.type) ? strings(p.notifyIds) : []);

  const subscriptions = await db.subscription.findMany({
    where: {
      OR: [
        { entityType: subject.entityType, entityId: subject.entityId },
        { entityType: "project", entityId: projectId },
      ],
    },
    select: { userId: true, entityType: true, active: true },
  });
  const unwatchedItem = new Set(
    subscriptions.filter((s) => s.entityType !== "project" && !s.active).map((s) => s.userId),
  );
  const watchers = new Set(
    watchersToo ? subscriptions.filter((s) => s.active && !unwatchedItem.has(s.userId)).map((s) => s.userId) : [],
  );
  const candidates = [...new Set([...watchers, ...mentioned, ...addressed])].filter((id) => id !== actorId);
  if (candidates.length === 0) return { projectKey: project.key, title: "", body: "", url: "", recipients: [] };

  const members = await peopleWithRoles(projectId, candidates);
  const text = await describe(event, subject, project.key);
  const recipients: Recipient[] = [];
  for (const m of members.sort((a, b) => a.userId.localeCompare(b.userId))) {
    if (!canSee(subject, m)) continue;
    const kind = mentioned.has(m.userId) ? "mention" : addressed.has(m.userId) ? "addressed" : "watch";
    const pref = m.user.notificationPreference;
    const type = kind === "mention" ? "mention" : event.type;
    if (pref?.mutedTypes.includes(type)) continue;
    const inApp = pref?.inApp ?? true;
    const email = pref?.email ?? true;
    if (!inApp && !email) continue;
    recipients.push({
      userId: m.userId,
      address: m.user.email,
      timeZone: m.user.timeZone,
      kind,
      inApp,
      byEmail: email,
    });
  }
  return {
    projectKey: project.key,
    title: text.title,
    ...("mentionTitle" in text ? { mentionTitle: text.mentionTitle } : {}),
    body: text.body,
    url: text.url,
    recipients,
  };
}

function titleFor(plan: NotificationPlan, r: Recipient): string {
  return r.kind === "mention" && plan.mentionTitle ? plan.mentionTitle : plan.title;
}

async function inAppStep(event: DomainEvent, plan: NotificationPlan): Promise<number> {
  const rows = plan.recipients
    .filter((r) => r.inApp)
    .map((r) => ({
      userId: r.userId,
      projectId: event.projectId,
      eventId: event.id,
      type: r.kind === "mention" ? "mention" : event.type,
      title: titleFor(plan, r),
      body: plan.body,
      url: plan.url,
    }));
  if (rows.length === 0) return 0;
  const { count } = await db.notification.createMany({ data: rows, skipDuplicates: true });
  // A replay wrote nothing new: the counts the recipients' streams have are still right.
  if (count > 0) {
    const createdAt = new Date().toISOString();
    const arrived = new Map(
      rows.map((r) => [
        r.userId,
        { eventId: r.eventId, type: r.type, title: r.title, body: r.body, url: r.url, createdAt },
      ]),
    );
    await publishUnreadCounts(
      rows.map((r) => r.userId),
      arrived,
    );
  }
  return count;
}

function absoluteUrl(relative: string): string {
  return new URL(relative, appUrl(getEnv())).toString();
}

/**
 * Claims one (event, channel, recipient) delivery and sends it unless it was
 * already sent. Returns false when there was nothing left to do.
 */
async function deliverOnce(
  key: { eventId: string; channel: "EMAIL" | "SLACK"; recipient: string },
  send: (delivery: { id: string; createdAt: Date }) => Promise<void>,
) {
  await db.channelDelivery.createMany({ data: [key], skipDuplicates: true });
  const delivery = await db.channelDelivery.findUniqueOrThrow({
    where: { eventId_channel_recipient: key },
    select: { id: true, status: true, createdAt: true },
  });
  if (delivery.status === "SENT") return false;
  try {
    await send(delivery);
  } catch (err) {
    await db.channelDelivery.update({
      where: { id: delivery.id },
      data: {
        status: "FAILED",
        attempts: { increment: 1 },
        error: excerpt(err instanceof Error ? err.message : String(err), 500),
      },
    });
    throw err;
  }
  await db.channelDelivery.update({
    where: { id: delivery.id },
    data: { status: "SENT", attempts: { increment: 1 }, error: null, sentAt: new Date() },
  });
  return true;
}

/** An enum value as people read it ("In progress"), or as it is when it is not one. */
function label(labels: Record<string, string>, value: unknown): string {
  return typeof value === "string" ? (labels[value] ?? value) : String(value);
}

async function emailStep(event: DomainEvent, plan: NotificationPlan): Promise<number> {
  let sent = 0;
  const errors: unknown[] = [];
  const actorId = typeof event.payload.actorId === "string" ? event.payload.actorId : null;
  for (const r of plan.recipients.filter((x) => x.byEmail)) {
    // Mentions are the one email a person can make the app send to others at will: they spend the author's
    // `create` budget, and over it the mention stays in the inbox without an email.
    if (r.kind === "mention" && actorId) {
      const decision = await checkRateLimit(["create"], { userId: actorId, ip: null });
      if (decision && !decision.allowed) continue;
    }
    const title = titleFor(plan, r);
    const text = [
      title,
      plan.body,
      "",
      `When: ${emailTime(event.createdAt, r.timeZone)}`,
      `Open: ${absoluteUrl(plan.url)}`,
      "",
      r.kind === "mention"
        ? "You get this email because you were mentioned."
        : r.kind === "addressed"
          ? "You get this email because you take part in this review."
          : `You get this email because you watch ${plan.projectKey} or this item. Change what you receive at ${absoluteUrl("/notifications")}.`,
    ]
      .filter((line, i) => i !== 1 || line !== "")
      .join("\n");
    try {
      const didSend = await deliverOnce(
        { eventId: event.id, channel: "EMAIL", recipient: r.address },
        ({ id, createdAt }) =>
          sendMail({ id, createdAt, to: r.address, subject: `[${plan.projectKey}] ${title}`, text }).then(
            () => undefined,
          ),
      );
      if (didSend) {
        sent++;
        countNotificationSend("email", "sent");
      }
    } catch (err) {
      countNotificationSend("email", "failed");
      errors.push(err);
    }
  }
  if (errors.length > 0) {
    const message = `${errors.length} of the emails for this event failed: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ")}`;
    // Retry while any failure may be temporary; give up only when every one was refused for good.
    if (errors.every(isPermanentFailure)) throw new PermanentFailure(message);
    throw new Error(message);
  }
  return sent;
}

async function slackStep(event: DomainEvent, plan: NotificationPlan): Promise<"sent" | "skipped"> {
  if (!event.projectId) return "skipped";
  const project = await db.project.findUnique({
    where: { id: event.projectId },
    select: { slackWebhookUrl: true, slackEventTypes: true },
  });
  if (!project?.slackWebhookUrl) return "skipped";
  if (project.slackEventTypes.length > 0 && !project.slackEventTypes.includes(event.type)) return "skipped";
  const url = project.slackWebhookUrl;
  const text = `[${plan.projectKey}] ${plan.title}${plan.body ? `\n${plan.body}` : ""}\n<${absoluteUrl(plan.url)}|Open ${plan.url.split("/").pop()}>`;
  const sent = await deliverOnce({ eventId: event.id, channel: "SLACK", recipient: event.projectId }, () =>
    postToSlack(url, text),
  ).catch((err: unknown) => {
    countNotificationSend("slack", "failed");
    throw err;
  });
  if (sent) countNotificationSend("slack", "sent");
  return sent ? "sent" : "skipped";
}

async function webhooksStep(event: DomainEvent): Promise<string[]> {
  if (!event.projectId) return [];
  const { enqueueWebhookDeliveries } = await import("@/server/services/webhooks/deliveries");
  return enqueueWebhookDeliveries(event);
}

function describeError(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return excerpt(cause instanceof Error ? cause.message : String(cause), 500);
}

/**
 * Runs every step for one event. Channels are independent: one failing
 * does not stop the others. In-process, a failure that may be temporary is
 * thrown at the end so the dispatcher retries the whole (idempotent) event;
 * with Inngest each step has already used up its own retries by the time
 * its error reaches this code.
 */
export async function notifyForEvent(event: DomainEvent, steps: NotifySteps = inProcess): Promise<NotifyResult> {
  const failures: ChannelFailure[] = [];
  const channel = async <T>(name: string, fn: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await steps.run(name, fn);
    } catch (err) {
      failures.push({ step: name, error: describeError(err), permanent: isPermanentFailure(err) });
      return fallback;
    }
  };

  const result: NotifyResult = {
    type: event.type,
    watched: 0,
    notified: 0,
    emailed: 0,
    slack: "skipped",
    webhookDeliveries: 0,
    failures,
  };
  if (!event.projectId) return result;

  result.watched = await steps.run("watch", () => watchStep(event));
  const plan = await steps.run("recipients", () => recipientsStep(event));
  // The channels do not depend on one another (each is idempotent on its own).
  let previous: Promise<unknown> = Promise.resolve();
  /** Side by side when the steps allow it, else each after the one before (channels never throw). */
  const step = <T>(run: () => Promise<T>): Promise<T> => {
    if (steps.concurrent) return run();
    const next = previous.then(run);
    previous = next;
    return next;
  };
  const [notified, emailed, slack, deliveries] = await Promise.all([
    plan ? step(() => channel("in-app", () => inAppStep(event, plan), 0)) : 0,
    plan ? step(() => channel("email", () => emailStep(event, plan), 0)) : 0,
    plan
      ? step(() => channel<"sent" | "skipped" | "failed">("slack", () => slackStep(event, plan), "failed"))
      : ("skipped" as const),
    step(() => channel("webhooks", () => webhooksStep(event), [] as string[])),
  ]);
  result.notified = notified;
  result.emailed = emailed;
  result.slack = slack;
  result.webhookDeliveries = deliveries.length;
  if (deliveries.length > 0 && steps.requestWebhookDeliveries) await steps.requestWebhookDeliveries(deliveries);

  const temporary = failures.filter((f) => !f.permanent);
  if (steps === inProcess && temporary.length > 0) {
    throw new Error(`Event ${event.id} (${event.type}): ${temporary.map((f) => `${f.step}: ${f.error}`).join("; ")}`);
  }
  return result;
}
