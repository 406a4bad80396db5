"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { Avatar } from "@/components/avatar";
import { CommentsSection } from "@/components/comments/comments-section";
import { useRemoteEdit } from "@/components/live/live-updates";
import { RemoteEditNotice } from "@/components/live/remote-edit-notice";
import { LocalTime } from "@/components/local-time";
import { Markdown } from "@/components/markdown";
import { TextDiff } from "@/components/requirements/diff-view";
import { ItemLinks } from "@/components/traceability/item-links";
import { errorMessage, serverFieldErrors, staleVersionOf } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { PersonName } from "@/components/ui/person-name";
import { Select } from "@/components/ui/select";
import { WatchButton } from "@/components/watch-button";
import { diffText } from "@/lib/diff";
import { ISSUE_SEVERITIES, ISSUE_TRANSITIONS } from "@/lib/schemas/issue";
import { useTRPC } from "@/lib/trpc/react";
import { AttachmentsSection } from "./attachments";
import { IssueActivity } from "./issue-activity";
import { IssueHistory } from "./issue-history";
import {
  type Issue,
  type IssueSeverity,
  IssueStatusBadge,
  LabelChip,
  type Member,
  parseLabels,
  SEVERITY_LABELS,
  SeverityIndicator,
  STATUS_LABELS,
} from "./issue-meta";
import { IssueRelations } from "./issue-relations";
import { MarkdownEditor } from "./markdown-editor";
import { uploadFile } from "./upload";

type Role = "REPORTER" | "MAINTAINER" | "ADMIN";

const TRANSITION_VERBS: Record<string, string> = {
  TRIAGED: "Mark triaged",
  IN_PROGRESS: "Start progress",
  DONE: "Mark done",
  WONT_FIX: "Won't fix",
  OPEN: "Reopen",
};

export function IssueDetailView({
  projectKey,
  initialIssue,
  role,
  currentUserId,
  members,
  archived,
}: {
  projectKey: string;
  initialIssue: Issue;
  role: Role;
  currentUserId: string;
  members: Member[];
  archived: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queryOpts = trpc.issue.byKey.queryOptions(
    { key: initialIssue.key },
    { initialData: initialIssue, staleTime: 5_000 },
  );
  const { data: issue } = useQuery(queryOpts);
  const triager = role !== "REPORTER";
  const canEdit = !archived && (triager || (issue.reporter?.id === currentUserId && issue.status === "OPEN"));
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<{ tone: "error" | "warning"; text: string } | null>(null);

  function onSaved(next: Issue) {
    queryClient.setQueryData(queryOpts.queryKey, next);
    void queryClient.invalidateQueries({ queryKey: trpc.issue.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.issue.history.pathKey() });
  }

  function onError(err: unknown) {
    const stale = staleVersionOf<Issue>(err);
    if (stale) {
      if (stale.current) queryClient.setQueryData(queryOpts.queryKey, stale.current);
      else void queryClient.invalidateQueries({ queryKey: queryOpts.queryKey });
      const who = stale.updatedBy?.name ?? "Someone else";
      setNotice({
        tone: "warning",
        text: `${who} changed this issue meanwhile. The latest version is shown; please redo your change.`,
      });
      return;
    }
    setNotice({ tone: "error", text: errorMessage(err) });
  }

  const mutationCallbacks = {
    onSuccess: (next: Issue) => {
      setNotice(null);
      onSaved(next);
    },
    onError,
  };
  const transition = useMutation(trpc.issue.transition.mutationOptions(mutationCallbacks));
  const assign = useMutation(trpc.issue.assign.mutationOptions(mutationCallbacks));
  const update = useMutation(trpc.issue.update.mutationOptions(mutationCallbacks));

  return (
    // Title and description, then the details (status, severity, assignee), then links, files and comments: on a
    // phone in that order, one column; from lg the details sit beside the rest.
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_16rem] lg:grid-rows-[auto_1fr]">
      <div className="min-w-0 space-y-8 lg:col-start-1 lg:row-start-1">
        <div>
          <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
            <span className="font-mono font-medium">{issue.key}</span>
            <IssueStatusBadge status={issue.status} />
            <span className="ml-auto">
              <WatchButton itemKey={issue.key} />
            </span>
          </div>
          {editing ? (
            <EditIssueForm
              issue={issue}
              canEditLabels={triager}
              onCancel={() => setEditing(false)}
              onSaved={(next) => {
                onSaved(next);
                setEditing(false);
                setNotice(null);
              }}
              onConflict={onError}
            />
          ) : (
            <>
              <div className="mt-2 flex items-start justify-between gap-4">
                <h2 className="text-xl font-semibold tracking-tight text-balance text-zinc-900 dark:text-zinc-50">
                  {issue.title}
                </h2>
                {canEdit ? (
                  <Button size="sm" variant="ghost" onClick={() => setEditing(true)}>
                    Edit
                  </Button>
                ) : null}
              </div>
              <div className="mt-4 text-sm">
                {issue.description.trim() ? (
                  <Markdown>{issue.description}</Markdown>
                ) : (
                  <p className="text-zinc-500 italic dark:text-zinc-400">No description.</p>
                )}
              </div>
            </>
          )}
        </div>
        {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      </div>

      <aside
        aria-label="Issue details"
        className="space-y-5 lg:col-start-2 lg:row-span-2 lg:row-start-1 lg:border-l lg:border-zinc-200 lg:pl-6 dark:lg:border-zinc-800"
      >
        {triager && !archived ? (
          <div>
            <h3 className="mb-2 text-xs font-medium text-zinc-500 dark:text-zinc-400">Move to</h3>
            <div className="flex flex-wrap gap-1.5">
              {ISSUE_TRANSITIONS[issue.status].map((to) => (
                <Button
                  key={to}
                  size="sm"
                  variant={to === "DONE" || (issue.status === "OPEN" && to === "TRIAGED") ? "primary" : "secondary"}
                  loading={transition.isPending && transition.variables?.to === to}
                  disabled={transition.isPending}
                  onClick={() => transition.mutate({ key: issue.key, expectedVersion: issue.version, to })}
                  aria-label={`${TRANSITION_VERBS[to] ?? STATUS_LABELS[to]} (${STATUS_LABELS[to]})`}
                >
                  {TRANSITION_VERBS[to] ?? STATUS_LABELS[to]}
                </Button>
              ))}
            </div>
          </div>
        ) : null}
        <dl className="space-y-4 text-[13px]">
          <SidebarItem label="Status">
            <IssueStatusBadge status={issue.status} />
          </SidebarItem>
          <SidebarItem label="Severity" htmlFor={canEdit ? "issue-severity" : undefined}>
            {canEdit ? (
              <Select
                id="issue-severity"
                compact
                value={issue.severity}
                disabled={update.isPending}
                onChange={(e) =>
                  update.mutate({
                    key: issue.key,
                    expectedVersion: issue.version,
                    severity: e.target.value as IssueSeverity,
                  })
                }
              >
                {ISSUE_SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {SEVERITY_LABELS[s]}
                  </option>
                ))}
              </Select>
            ) : (
              <SeverityIndicator severity={issue.severity} />
            )}
          </SidebarItem>
          <SidebarItem label="Assignee" htmlFor={triager && !archived ? "issue-assignee" : undefined}>
            {triager && !archived ? (
              <Select
                id="issue-assignee"
                compact
                value={issue.assignee?.id ?? ""}
                disabled={assign.isPending}
                onChange={(e) =>
                  assign.mutate({ key: issue.key, expectedVersion: issue.version, assigneeId: e.target.value || null })
                }
              >
                <option value="">Unassigned</option>
                {members.map((m) => (
                  <option key={m.user.id} value={m.user.id}>
                    {m.user.name}
                  </option>
                ))}
              </Select>
            ) : issue.assignee ? (
              <Person person={issue.assignee} />
            ) : (
              <span className="text-zinc-500 dark:text-zinc-400">Unassigned</span>
            )}
          </SidebarItem>
          <SidebarItem label="Labels">
            {issue.labels.length ? (
              <span className="flex flex-wrap gap-1">
                {issue.labels.map((l) => (
                  <LabelChip key={l}>{l}</LabelChip>
                ))}
              </span>
            ) : (
              <span className="text-zinc-500 dark:text-zinc-400">None</span>
            )}
          </SidebarItem>
          <SidebarItem label="Reporter">
            {issue.reporter ? <Person person={issue.reporter} /> : <span className="text-zinc-500">Former member</span>}
          </SidebarItem>
          <SidebarItem label="Created">
            <LocalTime date={issue.createdAt} mode="datetime" />
          </SidebarItem>
          <SidebarItem label="Updated">
            <LocalTime date={issue.updatedAt} mode="datetime" />
          </SidebarItem>
          {issue.resolution ? (
            <SidebarItem label="Resolution">
              {issue.resolution.charAt(0).toUpperCase() + issue.resolution.slice(1)}
            </SidebarItem>
          ) : null}
          {issue.closedAt ? (
            <SidebarItem label="Closed">
              <LocalTime date={issue.closedAt} mode="datetime" />
            </SidebarItem>
          ) : null}
        </dl>
      </aside>

      <div className="min-w-0 space-y-8 lg:col-start-1 lg:row-start-2">
        <ItemLinks projectKey={projectKey} itemKey={issue.key} canManage={triager && !archived} />
        <IssueRelations
          projectKey={projectKey}
          issue={issue}
          canManage={triager && !archived}
          onIssueChanged={(next) => {
            onSaved(next);
            void queryClient.invalidateQueries({ queryKey: trpc.issue.history.pathKey() });
          }}
        />
        <AttachmentsSection
          issueKey={issue.key}
          canUpload={!archived}
          canTriage={triager}
          currentUserId={currentUserId}
        />
        <ActivityTabs
          tabs={[
            {
              value: "comments",
              label: "Comments",
              panel: (
                <CommentsSection
                  subject={{ kind: "issue", key: issue.key }}
                  currentUserId={currentUserId}
                  members={members}
                  canComment={!archived}
                />
              ),
            },
            {
              value: "activity",
              label: "Activity",
              panel: <IssueActivity projectKey={projectKey} issueKey={issue.key} />,
            },
            { value: "history", label: "History", panel: <IssueHistory issueKey={issue.key} /> },
          ]}
        />
      </div>
    </div>
  );
}

/** Comments, everything that happened, and the version history: one at a time (arrow keys move between them). */
function ActivityTabs({ tabs }: { tabs: { value: string; label: string; panel: React.ReactNode }[] }) {
  const [tab, setTab] = useState(tabs[0]?.value ?? "");
  const id = useId();
  return (
    <div className="space-y-4">
      <div
        role="tablist"
        aria-label="Comments and activity"
        className="flex gap-4 border-b border-zinc-200 dark:border-zinc-800"
        onKeyDown={(e) => {
          if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
          e.preventDefault();
          const at = tabs.findIndex((t) => t.value === tab);
          const next = tabs[(at + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
          if (!next) return;
          setTab(next.value);
          document.getElementById(`${id}-${next.value}-tab`)?.focus();
        }}
      >
        {tabs.map((t) => (
          <button
            key={t.value}
            id={`${id}-${t.value}-tab`}
            type="button"
            role="tab"
            aria-selected={tab === t.value}
            aria-controls={`${id}-${t.value}-panel`}
            tabIndex={tab === t.value ? 0 : -1}
            onClick={() => setTab(t.value)}
            className={cn(
              "-mb-px border-b-2 px-0.5 pb-2 text-sm font-medium",
              focusRing,
              tab === t.value
                ? "border-indigo-600 text-zinc-900 dark:border-indigo-400 dark:text-zinc-50"
                : "border-transparent text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200",
            )}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tabs.map((t) => (
        <div
          key={t.value}
          id={`${id}-${t.value}-panel`}
          role="tabpanel"
          aria-labelledby={`${id}-${t.value}-tab`}
          hidden={tab !== t.value}
        >
          {tab === t.value ? t.panel : null}
        </div>
      ))}
    </div>
  );
}

function SidebarItem({ label, htmlFor, children }: { label: string; htmlFor?: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="mb-1 text-xs font-medium text-zinc-500 dark:text-zinc-400">
        {htmlFor ? <label htmlFor={htmlFor}>{label}</label> : label}
      </dt>
      <dd className="text-zinc-800 dark:text-zinc-200">{children}</dd>
    </div>
  );
}

function Person({ person }: { person: { id: string; name: string; email: string; deactivatedAt?: Date | null } }) {
  return (
    <span className="inline-flex min-w-0 items-center gap-2">
      <Avatar name={person.name} email={person.email} seed={person.id} size="sm" />
      <PersonName person={person} className="truncate" />
    </span>
  );
}

function EditIssueForm({
  issue,
  canEditLabels,
  onCancel,
  onSaved,
  onConflict,
}: {
  issue: Issue;
  canEditLabels: boolean;
  onCancel: () => void;
  onSaved: (next: Issue) => void;
  onConflict: (err: unknown) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const titleRef = useRef<HTMLInputElement>(null);
  // The version the edits apply to. The issue shown around the form follows live changes; this does not,
  // so a save after someone else's is refused (CONFLICT) rather than silently undoing theirs.
  const [base] = useState(issue);
  const remote = useRemoteEdit(base.key, base.version);
  const [theirs, setTheirs] = useState<Issue | null>(null);
  const [title, setTitle] = useState(issue.title);
  const [description, setDescription] = useState(issue.description);
  const [labels, setLabels] = useState(issue.labels.join(", "));
  const uploadToIssue = async (file: File) => {
    const uploaded = await uploadFile(base.key, file);
    await queryClient.invalidateQueries({ queryKey: trpc.issue.attachments.list.queryKey({ key: base.key }) });
    return uploaded;
  };
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const update = useMutation(
    trpc.issue.update.mutationOptions({
      onSuccess: onSaved,
      onError: (err) => {
        const fe = serverFieldErrors(err);
        if (Object.keys(fe).length) setErrors(fe);
        else onConflict(err);
      },
    }),
  );
  return (
    <form
      noValidate
      className="mt-3 space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (!title.trim()) {
          setErrors({ title: "Title is required" });
          titleRef.current?.focus();
          return;
        }
        update.mutate({
          key: base.key,
          expectedVersion: base.version,
          title,
          description,
          ...(canEditLabels ? { labels: parseLabels(labels) } : {}),
        });
      }}
    >
      {remote ? (
        <RemoteEditNotice
          edit={remote}
          onShowChanges={async () => {
            const latest = await queryClient.fetchQuery({
              ...trpc.issue.byKey.queryOptions({ key: base.key }),
              staleTime: 0,
            });
            setTheirs(latest as Issue);
          }}
          onReload={onCancel}
        />
      ) : null}
      {theirs ? <TheirChanges base={base} theirs={theirs} /> : null}
      <Field id="edit-issue-title" label="Title" error={errors.title}>
        <Input ref={titleRef} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} autoFocus />
      </Field>
      <div className="space-y-1.5">
        <Label htmlFor="edit-issue-description">Description</Label>
        <MarkdownEditor
          id="edit-issue-description"
          label="Description"
          rows={10}
          value={description}
          onChange={setDescription}
          onUploadFile={uploadToIssue}
          invalid={Boolean(errors.description)}
        />
        {errors.description ? <p className="text-[13px] text-red-600 dark:text-red-400">{errors.description}</p> : null}
      </div>
      {canEditLabels ? (
        <Field id="edit-issue-labels" label="Labels" optional hint="Separate with commas" error={errors.labels}>
          <Input value={labels} onChange={(e) => setLabels(e.target.value)} autoComplete="off" />
        </Field>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" loading={update.isPending}>
          Save changes
        </Button>
      </div>
    </form>
  );
}

/** What someone else changed in the issue since the version being edited: title, description and labels. */
function TheirChanges({ base, theirs }: { base: Issue; theirs: Issue }) {
  const fields: { label: string; before: string; after: string }[] = [
    { label: "Title", before: base.title, after: theirs.title },
    { label: "Description", before: base.description, after: theirs.description },
    { label: "Labels", before: base.labels.join(", "), after: theirs.labels.join(", ") },
  ].filter((f) => f.before !== f.after);
  return (
    <section
      aria-label={`Changes in version ${theirs.version}`}
      data-testid="their-changes"
      className="space-y-3 rounded-lg border border-zinc-200 bg-white px-3.5 py-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">
        Version {base.version} → {theirs.version}
        {fields.length === 0 ? ": no change to the title, description or labels" : ""}
      </p>
      {fields.map((f) => (
        <div key={f.label} className="space-y-1">
          <p className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{f.label}</p>
          <TextDiff segments={diffText(f.before, f.after)} mode="inline" />
        </div>
      ))}
    </section>
  );
}
