"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";

import { Avatar } from "@/components/avatar";
import type { Member } from "@/components/issues/issue-meta";
import { MarkdownEditor } from "@/components/issues/markdown-editor";
import { type UploadedAttachment, uploadFile } from "@/components/issues/upload";
import { LocalTime } from "@/components/local-time";
import { Markdown } from "@/components/markdown";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { PersonName } from "@/components/ui/person-name";
import { Spinner } from "@/components/ui/spinner";
import { useTRPC } from "@/lib/trpc/react";

/** What a thread is on: an issue (PAY-I-7) or a requirement (PAY-12). */
export interface CommentSubject {
  kind: "issue" | "requirement";
  key: string;
}

/** The "@partial" being typed just before the caret, if any. */
function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const partial = /(?:^|[\s(])@([\w.+-]*)$/.exec(before)?.[1];
  if (partial === undefined) return null;
  return { start: caret - partial.length - 1, query: partial.toLowerCase() };
}

function CommentComposer({
  members,
  initial = "",
  submitLabel,
  pending,
  onSubmit,
  onCancel,
  onUploadFile,
  id,
}: {
  members: Member[];
  initial?: string;
  submitLabel: string;
  pending: boolean;
  onSubmit: (body: string) => Promise<boolean>;
  onCancel?: () => void;
  /** Attaches a pasted or dropped file to the issue; the comment links it (issues only). */
  onUploadFile?: (file: File) => Promise<UploadedAttachment>;
  id: string;
}) {
  const [body, setBody] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  const [mention, setMention] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const suggestions = mention
    ? members
        .filter(
          (m) =>
            m.user.email.toLowerCase().startsWith(mention.query) || m.user.name.toLowerCase().includes(mention.query),
        )
        .slice(0, 6)
    : [];

  function update(value: string) {
    setBody(value);
    const caret = ref.current?.selectionStart ?? value.length;
    setMention(mentionAt(value, caret));
    setActive(0);
  }

  function pick(member: Member) {
    if (!mention) return;
    const caret = ref.current?.selectionStart ?? body.length;
    const next = `${body.slice(0, mention.start)}@${member.user.email} ${body.slice(caret)}`;
    setBody(next);
    setMention(null);
    const pos = mention.start + member.user.email.length + 2;
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(pos, pos);
    });
  }

  async function submit(e?: React.FormEvent) {
    e?.preventDefault();
    if (!body.trim()) return;
    if (await onSubmit(body)) setBody("");
  }

  return (
    <form onSubmit={submit} className="relative space-y-2">
      <label htmlFor={id} className="sr-only">
        {submitLabel === "Comment" ? "Add a comment" : "Edit comment"}
      </label>
      <MarkdownEditor
        id={id}
        label="Comment"
        rows={3}
        value={body}
        onChange={update}
        onUploadFile={onUploadFile}
        textareaRef={ref}
        placeholder="Leave a comment. Type @ to mention a project member."
        onKeyDown={(e) => {
          if (suggestions.length) {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((a) => (a + 1) % suggestions.length);
              return;
            }
            if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => (a - 1 + suggestions.length) % suggestions.length);
              return;
            }
            if (e.key === "Enter" || e.key === "Tab") {
              e.preventDefault();
              const member = suggestions[active];
              if (member) pick(member);
              return;
            }
            if (e.key === "Escape") {
              e.preventDefault();
              setMention(null);
              return;
            }
          }
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      {suggestions.length ? (
        <div
          role="listbox"
          aria-label="Mention a member"
          className="absolute top-10 left-2 z-20 w-72 overflow-hidden rounded-md border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {suggestions.map((m, i) => (
            // biome-ignore lint/a11y/useFocusableInteractive: listbox popup of a textarea; focus stays in the textarea, which handles the arrow keys, Enter and Tab
            <div
              key={m.user.id}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(m);
              }}
              className={cn(
                "flex cursor-pointer items-center gap-2 px-2.5 py-1.5 text-[13px]",
                i === active
                  ? "bg-indigo-50 text-indigo-900 dark:bg-indigo-500/20 dark:text-indigo-100"
                  : "text-zinc-700 dark:text-zinc-300",
              )}
            >
              <Avatar name={m.user.name} email={m.user.email} seed={m.user.id} size="sm" />
              <span className="min-w-0 truncate">
                {m.user.name} <span className="text-zinc-500 dark:text-zinc-400">{m.user.email}</span>
              </span>
            </div>
          ))}
        </div>
      ) : null}
      <div className="flex justify-end gap-2">
        {onCancel ? (
          <Button size="sm" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        <Button size="sm" type="submit" variant="primary" loading={pending} disabled={!body.trim()}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}

/**
 * The comment thread of an issue or a requirement: Markdown with @mention autocompletion, and edit and delete
 * for the author. Live changes refetch it with the rest of its item's router (lib/live/invalidation.ts).
 */
export function CommentsSection({
  subject,
  currentUserId,
  members,
  canComment,
}: {
  subject: CommentSubject;
  currentUserId: string;
  members: Member[];
  canComment: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { key } = subject;
  // Both threads take and answer the same shapes (lib/schemas/comment.ts).
  const api = subject.kind === "issue" ? trpc.issue.comments : trpc.requirement.comments;
  const list = useInfiniteQuery(
    api.list.infiniteQueryOptions({ key, limit: 50 }, { getNextPageParam: (l) => l.nextCursor ?? undefined }),
  );
  const invalidate = () => queryClient.invalidateQueries({ queryKey: api.list.pathKey() });
  // Files pasted into an issue's comment are attached to the issue; requirements have no attachments.
  const uploadToIssue =
    subject.kind === "issue"
      ? async (file: File) => {
          const uploaded = await uploadFile(key, file);
          await queryClient.invalidateQueries({ queryKey: trpc.issue.attachments.list.queryKey({ key }) });
          return uploaded;
        }
      : undefined;
  const add = useMutation(api.add.mutationOptions({ onSuccess: invalidate }));
  const edit = useMutation(api.edit.mutationOptions({ onSuccess: invalidate }));
  const del = useMutation(api.delete.mutationOptions({ onSuccess: invalidate }));
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const comments = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="comments-heading" className="space-y-4">
      <h2 id="comments-heading" className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">
        Comments{" "}
        {comments.length ? (
          <span className="font-normal text-zinc-500">({comments.filter((c) => !c.deletedAt).length})</span>
        ) : null}
      </h2>
      {list.isPending ? (
        <p className="flex items-center gap-2 text-[13px] text-zinc-500">
          <Spinner className="size-3.5" /> Loading comments…
        </p>
      ) : list.isError ? (
        <Alert>{errorMessage(list.error)}</Alert>
      ) : comments.length === 0 ? (
        <p className="text-[13px] text-zinc-500 dark:text-zinc-400">No comments yet.</p>
      ) : (
        <ol className="space-y-3">
          {comments.map((c) => (
            <li key={c.id} className="flex gap-3">
              {c.author ? (
                <Avatar name={c.author.name} email={c.author.email} seed={c.author.id} size="sm" className="mt-2" />
              ) : (
                <span className="size-6" />
              )}
              <article
                aria-label={`Comment by ${c.author?.name ?? "a former member"}`}
                className="min-w-0 flex-1 rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
              >
                <header className="flex items-center gap-2 border-b border-zinc-100 px-3 py-1.5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
                  <PersonName person={c.author} className="font-medium text-zinc-800 dark:text-zinc-200" />
                  <LocalTime date={c.createdAt} mode="relative" />
                  {c.editedAt && !c.deletedAt ? <span>(edited)</span> : null}
                  {c.author?.id === currentUserId && !c.deletedAt && editing !== c.id && canComment ? (
                    <span className="ml-auto flex gap-1">
                      <button
                        type="button"
                        className={cn(
                          "rounded px-1.5 py-0.5 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
                          focusRing,
                        )}
                        onClick={() => setEditing(c.id)}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className={cn(
                          "rounded px-1.5 py-0.5 hover:bg-red-50 hover:text-red-700 dark:hover:bg-red-500/10 dark:hover:text-red-300",
                          focusRing,
                        )}
                        onClick={async () => {
                          if (!window.confirm("Delete this comment?")) return;
                          setError(null);
                          try {
                            await del.mutateAsync({ key, commentId: c.id });
                          } catch (err) {
                            setError(errorMessage(err));
                          }
                        }}
                      >
                        Delete
                      </button>
                    </span>
                  ) : null}
                </header>
                <div className="px-3 py-2 text-sm">
                  {c.deletedAt ? (
                    <p className="text-zinc-500 italic dark:text-zinc-400">This comment was deleted.</p>
                  ) : editing === c.id ? (
                    <CommentComposer
                      onUploadFile={uploadToIssue}
                      id={`edit-${c.id}`}
                      members={members}
                      initial={c.body}
                      submitLabel="Save"
                      pending={edit.isPending}
                      onCancel={() => setEditing(null)}
                      onSubmit={async (body) => {
                        setError(null);
                        try {
                          await edit.mutateAsync({ key, commentId: c.id, body });
                          setEditing(null);
                          return true;
                        } catch (err) {
                          setError(errorMessage(err));
                          return false;
                        }
                      }}
                    />
                  ) : (
                    <Markdown>{c.body}</Markdown>
                  )}
                </div>
              </article>
            </li>
          ))}
        </ol>
      )}
      {list.hasNextPage ? (
        <Button size="sm" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
          Load more comments
        </Button>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {canComment ? (
        <CommentComposer
          id={`new-comment-${key}`}
          members={members}
          submitLabel="Comment"
          pending={add.isPending}
          onUploadFile={uploadToIssue}
          onSubmit={async (body) => {
            setError(null);
            try {
              await add.mutateAsync({ key, body });
              return true;
            } catch (err) {
              setError(errorMessage(err));
              return false;
            }
          }}
        />
      ) : null}
    </section>
  );
}
