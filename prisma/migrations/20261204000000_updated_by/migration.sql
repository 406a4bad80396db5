-- Who wrote the current version of a project, requirement or issue: the
-- compare-and-set stamps it with the version, and a CONFLICT names them.

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "updatedById" TEXT;

-- AlterTable
ALTER TABLE "Requirement" ADD COLUMN     "updatedById" TEXT;

-- AlterTable
ALTER TABLE "Issue" ADD COLUMN     "updatedById" TEXT;

-- Backfill: a requirement's current version is its latest RequirementVersion.
UPDATE "Requirement" r
SET "updatedById" = v."authorId"
FROM "RequirementVersion" v
WHERE v."requirementId" = r."id" AND v."version" = r."version";

-- A project's current version is its latest ProjectVersion.
UPDATE "Project" p
SET "updatedById" = v."authorId"
FROM "ProjectVersion" v
WHERE v."projectId" = p."id" AND v."version" = p."version";

-- Without an author there, the creator (the actor of the project's creation).
UPDATE "Project" p
SET "updatedById" = a."actorId"
FROM (
  SELECT DISTINCT ON ("entityId") "entityId", "actorId"
  FROM "AuditEvent"
  WHERE "entityType" = 'Project' AND "action" = 'project.created'
  ORDER BY "entityId", "id"
) a
WHERE p."updatedById" IS NULL AND a."entityId" = p."id";

-- Issues keep no versions: the actor of the latest audit event on the issue.
UPDATE "Issue" i
SET "updatedById" = a."actorId"
FROM (
  SELECT DISTINCT ON ("entityId") "entityId", "actorId"
  FROM "AuditEvent"
  WHERE "entityType" = 'Issue'
  ORDER BY "entityId", "id" DESC
) a
WHERE a."entityId" = i."id";

-- Else (no event, or a system actor) the reporter.
UPDATE "Issue" SET "updatedById" = "reporterId" WHERE "updatedById" IS NULL;

-- AddForeignKey
ALTER TABLE "Project" ADD CONSTRAINT "Project_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Requirement" ADD CONSTRAINT "Requirement_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
