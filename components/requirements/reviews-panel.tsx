"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";

import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { PersonName } from "@/components/ui/person-name";
import { Spinner } from "@/components/ui/spinner";
import { REVIEW_DECISION_LABELS, type ReviewOut } from "@/lib/schemas/review";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

type Member = RouterOutputs["project"]["members"]["list"]["items"][number];
type Round = Omit<ReviewOut, "createdAt" | "closedAt"> & { createdAt: Date | string; closedAt: Date | string | null };

const STATE: Record<ReviewOut["state"], { label: string; tone: BadgeTone }> = {
  PENDING: { label: "Waiting for reviewers", tone: "sky" },
  APPROVED: { label: "Approved by all", tone: "green" },
  CHANGES_REQUESTED: { label: "Changes requested", tone: "amber" },
  CANCELLED: { label: "Cancelled", tone: "neutral" },
  SUPERSEDED: { label: "Replaced", tone: "neutral" },
};

function DecisionBadge({ decision }: { decision: "APPROVED" | "CHANGES_REQUESTED" | null }) {
  if (!decision) return <Badge>Not answered</Badge>;
  return <Badge tone={decision === "APPROVED" ? "green" : "amber"}>{REVIEW_DECISION_LABELS[decision]}</Badge>;
}

/**
 * A requirement's reviews: who was asked to review which version and what each answered. Maintainers ask
 * for a review and cancel one; a reviewer answers here. Answers for a version whose content has changed
 * since are shown as outdated: they no longer count towards approval.
 */
export function ReviewsPanel({
  reqKey,
  meId,
  members,
  canRequest,
  archived,
}: {
  reqKey: string;
  meId: string;
  members: Member[];
  canRequest: boolean;
  archived: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const reviews = useQuery(trpc.review.listFor.queryOptions({ key: reqKey }));
  // The requirement as the page holds it: when it has a new version (an edit here), the outdated marks change.
  const detail = useQuery(trpc.requirement.byKey.queryOptions({ key: reqKey }));
  const currentVersion = detail.data?.version;
  const listedVersion = reviews.data?.currentVersion;
  const refetch = reviews.refetch;
  useEffect(() => {
    if (currentVersion !== undefined && listedVersion !== undefined && currentVersion !== listedVersion) void refetch();
  }, [currentVersion, listedVersion, refetch]);

  const [requesting, setRequesting] = useState(false);
  const [showEarlier, setShowEarlier] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.review.pathKey() });

  const items = reviews.data?.items ?? [];
  const open = items[0] && !items[0].closedAt ? items[0] : null;
  const earlier = open ? items.slice(1) : items;

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={headingId} className="flex items-center gap-2 text-sm font-semibold text-zinc-900 dark:text-zinc-50">
          Reviews
          {reviews.data?.approvalNeedsReview ? <Badge tone="indigo">Needed for approval</Badge> : null}
        </h2>
        {canRequest && !archived ? (
          <Button size="sm" onClick={() => setRequesting(true)}>
            Request review
          </Button>
        ) : null}
      </div>

      {reviews.isPending ? (
        <p className="flex items-center gap-2 text-[13px] text-zinc-500">
          <Spinner className="size-3.5" /> Loading reviews…
        </p>
      ) : reviews.isError ? (
        <Alert>{errorMessage(reviews.error)}</Alert>
      ) : items.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 px-3 py-4 text-center text-[13px] text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          No reviews yet.
          {reviews.data.approvalNeedsReview
            ? " In this project a requirement is approved only after every requested reviewer approves its current version."
            : null}
        </p>
      ) : (
        <div className="space-y-3">
          {open ? (
            <RoundCard
              round={open}
              reqKey={reqKey}
              currentVersion={reviews.data.currentVersion}
              meId={meId}
              canCancel={canRequest && !archived}
              canRespond={!archived}
              onChanged={refresh}
            />
          ) : null}
          {earlier.length ? (
            <div>
              <button
                type="button"
                aria-expanded={showEarlier}
                onClick={() => setShowEarlier((v) => !v)}
                className={cn(
                  "rounded-sm text-[13px] font-medium text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
                  focusRing,
                )}
              >
                {showEarlier ? "Hide" : "Show"} {open ? "earlier reviews" : "past reviews"} ({earlier.length})
              </button>
              {showEarlier ? (
                <div className="mt-2 space-y-3">
                  {earlier.map((r) => (
                    <RoundCard
                      key={r.id}
                      round={r}
                      reqKey={reqKey}
                      currentVersion={reviews.data.currentVersion}
                      meId={meId}
                      canCancel={false}
                      canRespond={false}
                      onChanged={refresh}
                    />
                  ))}
                </div>
              ) : null}
            </div>
          ) : null}
        </div>
      )}

      {canRequest && !archived ? (
        <RequestReviewDialog
          open={requesting}
          onClose={() => setRequesting(false)}
          reqKey={reqKey}
          version={reviews.data?.currentVersion ?? currentVersion}
          replaces={Boolean(open)}
          members={members.filter((m) => m.user.id !== meId && !m.user.deactivatedAt)}
          onRequested={() => {
            setRequesting(false);
            refresh();
          }}
        />
      ) : null}
    </section>
  );
}

function RoundCard({
  round,
  reqKey,
  currentVersion,
  meId,
  canCancel,
  canRespond,
  onChanged,
}: {
  round: Round;
  reqKey: string;
  currentVersion: number;
  meId: string;
  canCancel: boolean;
  canRespond: boolean;
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const cancel = useMutation(
    trpc.review.cancel.mutationOptions({
      onSuccess: onChanged,
      onError: (err) => setError(errorMessage(err)),
    }),
  );
  const state = STATE[round.state];
  const mine = round.reviewers.find((r) => r.reviewer?.id === meId);
  const isOpen = !round.closedAt;

  return (
    <Card data-testid={isOpen ? "review-open" : "review-past"}>
      <div className="flex items-start justify-between gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <div className="min-w-0 flex-1 space-y-1">
          <div className="flex flex-wrap items-center gap-1.5">
            <span className="text-[13px] font-semibold text-zinc-900 dark:text-zinc-50">Version {round.version}</span>
            {round.outdated ? (
              <Badge tone="amber" title={`Changed since version ${round.version}: these answers no longer count`}>
                Outdated
              </Badge>
            ) : null}
            <Badge tone={round.outdated && isOpen ? "neutral" : state.tone}>{state.label}</Badge>
          </div>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Requested by <PersonName person={round.requestedBy} /> <LocalTime date={round.createdAt} mode="relative" />
            {round.closedAt ? (
              <>
                <span aria-hidden="true"> · </span>
                {round.state === "CANCELLED" ? "cancelled" : "replaced"} by <PersonName person={round.closedBy} />{" "}
                <LocalTime date={round.closedAt} mode="relative" />
              </>
            ) : null}
          </p>
        </div>
        {canCancel && isOpen ? (
          <Button
            size="sm"
            variant="ghost"
            loading={cancel.isPending}
            onClick={() => {
              setError(null);
              cancel.mutate({ key: reqKey, reviewId: round.id });
            }}
          >
            Cancel request
          </Button>
        ) : null}
      </div>

      {round.note ? (
        <div className="border-b border-zinc-100 px-4 py-2.5 dark:border-zinc-800">
          <p className="border-l-2 border-zinc-200 pl-2.5 text-[13px] whitespace-pre-wrap break-words text-zinc-700 dark:border-zinc-700 dark:text-zinc-300">
            {round.note}
          </p>
        </div>
      ) : null}

      {round.outdated && isOpen ? (
        <p className="border-b border-amber-200/70 bg-amber-50/60 px-4 py-2.5 text-[13px] text-amber-900 dark:border-amber-500/20 dark:bg-amber-500/10 dark:text-amber-200">
          The requirement changed after version {round.version} was sent for review (it is now version {currentVersion}
          ). These answers are kept for the record but no longer count: request a new review.
        </p>
      ) : null}

      <ul
        className="divide-y divide-zinc-100 dark:divide-zinc-800"
        aria-label={`Reviewers of version ${round.version}`}
      >
        {round.reviewers.map((r, i) => (
          <li key={r.reviewer?.id ?? `gone-${i}`} className="px-4 py-2.5" data-testid="reviewer">
            <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
              <PersonName
                person={r.reviewer}
                className="min-w-0 truncate text-[13px] font-medium text-zinc-800 dark:text-zinc-200"
              />
              <span className="ml-auto flex items-center gap-2">
                {r.respondedAt ? (
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">
                    <LocalTime date={r.respondedAt} mode="relative" />
                  </span>
                ) : null}
                <DecisionBadge decision={r.decision} />
              </span>
            </div>
            {r.comment ? (
              <p className="mt-1 text-[13px] whitespace-pre-wrap break-words text-zinc-600 dark:text-zinc-400">
                {r.comment}
              </p>
            ) : null}
          </li>
        ))}
      </ul>

      {mine && isOpen && !round.outdated && canRespond ? (
        <RespondForm
          reqKey={reqKey}
          reviewId={round.id}
          version={round.version}
          answered={mine.decision}
          onDone={onChanged}
        />
      ) : null}
      {error ? (
        <div className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
          <Alert>{error}</Alert>
        </div>
      ) : null}
    </Card>
  );
}

function RespondForm({
  reqKey,
  reviewId,
  version,
  answered,
  onDone,
}: {
  reqKey: string;
  reviewId: string;
  version: number;
  answered: "APPROVED" | "CHANGES_REQUESTED" | null;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const id = useId();
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const respond = useMutation(
    trpc.review.respond.mutationOptions({
      onSuccess() {
        setComment("");
        onDone();
      },
      onError: (err) => setError(errorMessage(err)),
    }),
  );
  const pending = respond.isPending ? respond.variables?.decision : undefined;

  function send(decision: "APPROVED" | "CHANGES_REQUESTED") {
    setError(null);
    if (decision === "CHANGES_REQUESTED" && !comment.trim()) {
      setError("Say what should change.");
      return;
    }
    respond.mutate({ key: reqKey, reviewId, decision, comment });
  }

  return (
    <div className="space-y-2.5 border-t border-zinc-200 bg-zinc-50/60 px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900/40">
      <Field
        id={`${id}-comment`}
        label={answered ? `Your answer for version ${version} (change it below)` : `Your review of version ${version}`}
        error={error}
        optional
      >
        <Textarea
          rows={3}
          value={comment}
          maxLength={5000}
          placeholder="What you checked, or what should change"
          onChange={(e) => setComment(e.target.value)}
        />
      </Field>
      <div className="flex flex-wrap justify-end gap-2">
        <Button
          size="sm"
          variant="secondary"
          loading={pending === "CHANGES_REQUESTED"}
          disabled={respond.isPending}
          onClick={() => send("CHANGES_REQUESTED")}
        >
          Request changes
        </Button>
        <Button
          size="sm"
          variant="primary"
          loading={pending === "APPROVED"}
          disabled={respond.isPending}
          onClick={() => send("APPROVED")}
        >
          Approve version {version}
        </Button>
      </div>
    </div>
  );
}

function RequestReviewDialog({
  open,
  onClose,
  reqKey,
  version,
  replaces,
  members,
  onRequested,
}: {
  open: boolean;
  onClose: () => void;
  reqKey: string;
  version: number | undefined;
  replaces: boolean;
  members: Member[];
  onRequested: () => void;
}) {
  const trpc = useTRPC();
  const id = useId();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const request = useMutation(
    trpc.review.request.mutationOptions({
      onSuccess() {
        setPicked(new Set());
        setNote("");
        onRequested();
      },
      onError: (err) => setError(errorMessage(err)),
    }),
  );

  function toggle(userId: string) {
    setPicked((prev) => {
      const next = new Set(prev);
      if (next.has(userId)) next.delete(userId);
      else next.add(userId);
      return next;
    });
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Request review of ${reqKey}`}
      description={
        <>
          The reviewers are asked to approve version {version ?? "…"} as it is now.
          {replaces ? " This replaces the open review request." : null}
        </>
      }
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            loading={request.isPending}
            disabled={picked.size === 0}
            onClick={() => {
              setError(null);
              request.mutate({ key: reqKey, reviewerIds: [...picked], note: note.trim() || undefined });
            }}
          >
            Request review
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        <fieldset>
          <legend className="text-sm font-medium text-zinc-900 dark:text-zinc-100">Reviewers</legend>
          {members.length === 0 ? (
            <p className="mt-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
              There is no one else in this project to ask yet.
            </p>
          ) : (
            <ul className="mt-1.5 max-h-56 divide-y divide-zinc-100 overflow-y-auto rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-700">
              {members.map((m) => (
                <li key={m.user.id}>
                  <label className="flex cursor-pointer items-center gap-2.5 px-3 py-2 text-[13px] hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                    <input
                      type="checkbox"
                      checked={picked.has(m.user.id)}
                      onChange={() => toggle(m.user.id)}
                      className="size-4 rounded border-zinc-300 accent-indigo-600"
                    />
                    <span className="flex min-w-0 flex-1 flex-col">
                      <span className="truncate font-medium text-zinc-800 dark:text-zinc-200">{m.user.name}</span>
                      <span className="truncate text-xs text-zinc-500 dark:text-zinc-400">{m.user.email}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <Field id={`${id}-note`} label="Note to the reviewers" optional>
          <Textarea
            rows={3}
            value={note}
            maxLength={2000}
            placeholder="What to look at"
            onChange={(e) => setNote(e.target.value)}
          />
        </Field>
        {error ? <Alert>{error}</Alert> : null}
      </div>
    </Dialog>
  );
}
