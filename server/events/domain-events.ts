/**
 * Domain events as their handlers see them. Every OutboxEvent row (written by
 * applyChange, server/services/change.ts) is one event. The services that
 * react to events (notifications, webhooks) and the job runners that deliver
 * them (server/jobs/: the in-process dispatcher and the Inngest functions)
 * both build on these types, so neither has to import the other for them.
 */
import { NOTIFYING_TYPES, type NotifyingType } from "@/lib/schemas/notifications";

export function isNotifyingType(type: string): type is NotifyingType {
  return (NOTIFYING_TYPES as readonly string[]).includes(type);
}

/** The payload `applyChange` writes (server/services/change.ts), plus type-specific fields. */
export interface OutboxPayload {
  actorId?: string | null;
  requestId?: string;
  entityType?: string;
  entityId?: string;
  projectId?: string | null;
  before?: unknown;
  after?: unknown;
  [key: string]: unknown;
}

export interface DomainEvent {
  /** The OutboxEvent id. */
  id: string;
  type: string;
  projectId: string | null;
  payload: OutboxPayload;
  createdAt: Date;
}

export interface OutboxRowLike {
  id: string;
  type: string;
  projectId: string | null;
  payload: unknown;
  createdAt: Date;
}

export function toDomainEvent(row: OutboxRowLike): DomainEvent {
  const payload =
    row.payload && typeof row.payload === "object" && !Array.isArray(row.payload) ? (row.payload as OutboxPayload) : {};
  return { id: row.id, type: row.type, projectId: row.projectId, payload, createdAt: row.createdAt };
}

type OutboxListener = () => void;

/** On globalThis: the server's bundles (route handlers, instrumentation) each load this module. */
const globalForOutbox = globalThis as { specline_outbox_listeners?: Set<OutboxListener> };
globalForOutbox.specline_outbox_listeners ??= new Set();
const outboxListeners = globalForOutbox.specline_outbox_listeners;

/**
 * Runs `listener` whenever a change committed outbox events in this process
 * (the dispatcher wakes instead of waiting for its next poll). Returns the
 * function that stops it.
 */
export function onOutboxWritten(listener: OutboxListener): () => void {
  outboxListeners.add(listener);
  return () => outboxListeners.delete(listener);
}

/** Called by applyChange after a commit that wrote outbox events. */
export function outboxWritten(): void {
  for (const listener of outboxListeners) listener();
}
