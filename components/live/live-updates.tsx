"use client";
/**
 * The tab's one live stream (`live.events`): opened for the project in the
 * URL (or without one elsewhere), it keeps what the page shows current.
 *
 *   - a change invalidates the API routers it may have made stale
 *     (lib/live/invalidation.ts), gathered for a moment so a burst costs one
 *     refetch per query on screen; React Query keeps showing the old answer
 *     meanwhile, so nothing flickers, scrolls or loses focus;
 *   - the unread count is written straight into the bell's query;
 *   - signals refetch the dashboard (`stats`, statistics recomputed) and
 *     `/admin/jobs` (`jobs`, for instance admins);
 *   - a `resync` (a gap too old to replay, a tab that stopped reading)
 *     refetches everything on screen and renders the route again;
 *   - components listen for changes with `useLiveChanges` (an editor
 *     noticing someone else's save, a list marking new rows);
 *   - `useLiveStatus` says whether updates are flowing, for the indicator.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useParams, useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";

import { type LiveRouter, needsRouteRefresh, newChangeFilter, routersTouchedBy } from "@/lib/live/invalidation";
import type { LiveChangeEvent as LiveChangeMessage, LiveEvent as LiveMessage } from "@/lib/schemas/live";
import { useTRPC } from "@/lib/trpc/react";

/** How long changes are gathered before the queries they touch are invalidated. */
const GATHER_MS = 150;
const PROJECT_KEY = /^[A-Z][A-Z0-9]{1,9}$/;

export type LiveChange = Omit<LiveChangeMessage, "occurredAt"> & { occurredAt: Date };
/** `live`: connected; `connecting`: the first connection; `reconnecting`: it dropped and is being opened again; `paused`: it failed for good. */
export type LiveStatus = "connecting" | "live" | "reconnecting" | "paused";

interface LiveContextValue {
  status: LiveStatus;
  /** The signed-in user: their own changes are not "someone else's". */
  userId: string;
  subscribe(listener: (change: LiveChange) => void): () => void;
}

const LiveContext = createContext<LiveContextValue>({ status: "connecting", userId: "", subscribe: () => () => {} });

/** The project key in the current URL (`/projects/<KEY>/…`), if it is one. */
function useProjectKey(): string | undefined {
  const params = useParams<{ key?: string }>();
  const raw = typeof params?.key === "string" ? params.key : undefined;
  if (!raw) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(raw).toUpperCase();
  } catch {
    return undefined;
  }
  return PROJECT_KEY.test(key) ? key : undefined;
}

/** A tracked message arrives as `{ id, data }`, an untracked one as itself. */
function unwrap(data: unknown): LiveMessage {
  if (data && typeof data === "object" && "id" in data && "data" in data) return (data as { data: LiveMessage }).data;
  return data as LiveMessage;
}

export function LiveUpdatesProvider({ userId, children }: { userId: string; children: React.ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const projectKey = useProjectKey();
  const listeners = useRef(new Set<(change: LiveChange) => void>());
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const connectedOnce = useRef(false);
  const isNew = useRef(newChangeFilter()).current;

  // Invalidations gathered for GATHER_MS, then applied together.
  const gathered = useRef(new Set<LiveRouter | "notifications">());
  const gatherTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshRoute = useRef(false);
  const flush = useCallback(() => {
    gatherTimer.current = null;
    const routers = [...gathered.current];
    gathered.current.clear();
    for (const name of routers) {
      const queryKey = name === "notifications" ? trpc.notification.list.pathKey() : trpc[name].pathKey();
      void queryClient.invalidateQueries({ queryKey });
    }
    if (refreshRoute.current) {
      refreshRoute.current = false;
      router.refresh();
    }
  }, [queryClient, router, trpc]);
  const gather = useCallback(
    (names: Iterable<LiveRouter | "notifications">) => {
      for (const name of names) gathered.current.add(name);
      gatherTimer.current ??= setTimeout(flush, GATHER_MS);
    },
    [flush],
  );
  useEffect(
    () => () => {
      if (gatherTimer.current) clearTimeout(gatherTimer.current);
    },
    [],
  );

  const onData = useCallback(
    (data: unknown) => {
      const message = unwrap(data);
      connectedOnce.current = true;
      setStatus("live");
      switch (message.kind) {
        case "notifications":
          queryClient.setQueryData(trpc.notification.unreadCount.queryKey(), { unreadCount: message.unread });
          // A notification arrived, or some were read in another tab: the list shows both.
          gather(["notifications"]);
          return;
        case "stats":
        case "jobs":
          gather([message.kind]);
          return;
        case "imports":
          gather(["importJob"]);
          return;
        case "resync":
          void queryClient.invalidateQueries();
          router.refresh();
          return;
        case "change": {
          if (!isNew(message.seq)) return;
          gather(routersTouchedBy(message.type));
          if (needsRouteRefresh(message.type)) {
            refreshRoute.current = true;
            gather([]);
          }
          for (const listener of listeners.current) listener(message);
          return;
        }
      }
    },
    [gather, isNew, queryClient, router, trpc],
  );

  useSubscription(
    trpc.live.events.subscriptionOptions(projectKey ? { projectKey } : {}, {
      onData,
      onError: () => {
        // An error the stream cannot recover from (signed out, no access to the project): the route decides.
        setStatus("paused");
        router.refresh();
      },
      onConnectionStateChange: (state) => {
        if (state.state === "connecting") setStatus(connectedOnce.current ? "reconnecting" : "connecting");
        else if (state.state === "pending" && connectedOnce.current) setStatus("live");
      },
    }),
  );

  const subscribe = useCallback((listener: (change: LiveChange) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  // On the page for anyone looking (and for the end-to-end tests): whether live updates flow.
  useEffect(() => {
    document.documentElement.dataset.live = status;
  }, [status]);
  const value = useMemo(() => ({ status, userId, subscribe }), [status, userId, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** Calls `onChange` for every change the tab's stream brings (the latest callback; no resubscribing needed). */
export function useLiveChanges(onChange: (change: LiveChange) => void) {
  const { subscribe } = useContext(LiveContext);
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => subscribe((change) => latest.current(change)), [subscribe]);
}

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext).status;
}

export interface RemoteEdit {
  /** The version someone else saved. */
  version: number;
  by: string;
}

/**
 * Someone else saved `key` after `version` (the version being edited) — known
 * at once from the live stream, rather than from a CONFLICT on save. The
 * latest such save, or null.
 */
export function useRemoteEdit(key: string, version: number): RemoteEdit | null {
  const { userId } = useContext(LiveContext);
  const [edit, setEdit] = useState<RemoteEdit | null>(null);
  useLiveChanges((change) => {
    const saved = change.version;
    if (change.key !== key || saved === undefined || saved <= version || change.actorId === userId) return;
    setEdit((prev) =>
      prev && prev.version >= saved ? prev : { version: saved, by: change.actorName ?? "Someone else" },
    );
  });
  return edit;
}

/** How long a row that arrived live stays marked. */
const FRESH_MS = 4_000;

/**
 * Keys of items that just arrived through live updates (changes of one of
 * `types`, e.g. `issue.created`), for `FRESH_MS`: a list marks those rows.
 */
export function useFreshKeys(types: readonly string[]): ReadonlySet<string> {
  const [fresh, setFresh] = useState<ReadonlySet<string>>(() => new Set());
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const t of pending) clearTimeout(t);
    };
  }, []);
  useLiveChanges((change) => {
    const key = change.key;
    if (!key || !types.includes(change.type)) return;
    setFresh((prev) => new Set(prev).add(key));
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setFresh((prev) => {
        const next = new Set(prev);
        next.delete(key);
        return next;
      });
    }, FRESH_MS);
    timers.current.add(timer);
  });
  return fresh;
}
