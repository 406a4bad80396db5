-- Every change of an issue kept as an immutable version, like requirements.
-- An issue closed as a duplicate (or otherwise) says why in "resolution".
ALTER TABLE "Issue" ADD COLUMN "resolution" TEXT;

CREATE TABLE "IssueVersion" (
    "id" TEXT NOT NULL,
    "issueId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "severity" "IssueSeverity" NOT NULL,
    "status" "IssueStatus" NOT NULL,
    "resolution" TEXT,
    "labels" TEXT[],
    "assigneeId" TEXT,
    "changeKind" TEXT NOT NULL,
    "changeNote" TEXT NOT NULL DEFAULT '',
    "authorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IssueVersion_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "IssueVersion_issueId_version_key" ON "IssueVersion"("issueId", "version");
CREATE INDEX "IssueVersion_projectId_idx" ON "IssueVersion"("projectId");

ALTER TABLE "IssueVersion" ADD CONSTRAINT "IssueVersion_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "IssueVersion" ADD CONSTRAINT "IssueVersion_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "IssueVersion" ADD CONSTRAINT "IssueVersion_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The versions written before this table existed, from the audit log: every issue change recorded the
-- issue as it was afterwards, with who and when.
INSERT INTO "IssueVersion" ("id", "issueId", "projectId", "version", "title", "description", "severity", "status", "labels", "assigneeId", "changeKind", "authorId", "createdAt")
SELECT gen_random_uuid()::text, i."id", i."projectId", (a."after"->>'version')::int,
       a."after"->>'title', COALESCE(a."after"->>'description', ''),
       (a."after"->>'severity')::"IssueSeverity", (a."after"->>'status')::"IssueStatus",
       ARRAY(SELECT jsonb_array_elements_text(COALESCE(a."after"->'labels', '[]'::jsonb))),
       (SELECT u."id" FROM "User" u WHERE u."id" = a."after"->'assignee'->>'id'),
       CASE a."action" WHEN 'issue.created' THEN 'created' WHEN 'issue.status_changed' THEN 'transitioned'
                       WHEN 'issue.assigned' THEN 'assigned' ELSE 'updated' END,
       (SELECT u."id" FROM "User" u WHERE u."id" = a."actorId"),
       a."createdAt"
FROM "AuditEvent" a
JOIN "Issue" i ON i."id" = a."entityId"
WHERE a."entityType" = 'Issue'
  AND a."action" IN ('issue.created', 'issue.updated', 'issue.status_changed', 'issue.assigned')
  AND jsonb_typeof(a."after") = 'object'
  AND (a."after"->>'version') ~ '^[0-9]{1,9}$'
  AND a."after"->>'title' IS NOT NULL
  AND a."after"->>'severity' IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')
  AND a."after"->>'status' IN (SELECT unnest(enum_range(NULL::"IssueStatus"))::text)
ON CONFLICT ("issueId", "version") DO NOTHING;

-- And every issue's current version, where the audit log no longer holds it.
INSERT INTO "IssueVersion" ("id", "issueId", "projectId", "version", "title", "description", "severity", "status", "labels", "assigneeId", "changeKind", "authorId", "createdAt")
SELECT gen_random_uuid()::text, i."id", i."projectId", i."version", i."title", i."description", i."severity", i."status",
       i."labels", i."assigneeId", CASE WHEN i."version" = 1 THEN 'created' ELSE 'recorded' END, i."updatedById", i."updatedAt"
FROM "Issue" i
ON CONFLICT ("issueId", "version") DO NOTHING;
