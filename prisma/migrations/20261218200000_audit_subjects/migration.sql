-- The requirements and issues each audited change concerns, by key, so an item's activity is one
-- indexed lookup: an issue's edits, comments, attachments, trace links and links to other issues.
ALTER TABLE "AuditEvent" ADD COLUMN "subjects" TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX "AuditEvent_subjects_idx" ON "AuditEvent" USING GIN ("subjects");

-- Earlier changes: the keys their snapshots name (the item itself, or both ends of a link), and the key
-- the change's event carried where the outbox still holds it (comments, attachments).
UPDATE "AuditEvent" a
SET "subjects" = ARRAY(
  SELECT DISTINCT k FROM unnest(ARRAY[
    a."after"->>'key', a."before"->>'key',
    a."after"->'from'->>'key', a."after"->'to'->>'key',
    a."before"->'from'->>'key', a."before"->'to'->>'key'
  ]) AS k
  WHERE k ~ '^[A-Z]{2,10}-(I-)?[0-9]+$'
)
WHERE a."entityType" IN ('Issue', 'Requirement', 'TraceLink')
  AND (jsonb_typeof(a."after") = 'object' OR jsonb_typeof(a."before") = 'object');

UPDATE "AuditEvent" a
SET "subjects" = ARRAY[COALESCE(o."payload"->>'issueKey', o."payload"->>'requirementKey')]
FROM "OutboxEvent" o
WHERE a."entityType" IN ('Comment', 'Attachment')
  AND o."type" = a."action"
  AND o."payload"->>'entityId' = a."entityId"
  AND COALESCE(o."payload"->>'issueKey', o."payload"->>'requirementKey') ~ '^[A-Z]{2,10}-(I-)?[0-9]+$';
