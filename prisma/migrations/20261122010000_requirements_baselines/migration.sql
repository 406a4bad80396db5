-- CreateEnum
CREATE TYPE "RequirementType" AS ENUM ('FUNCTIONAL', 'NON_FUNCTIONAL', 'CONSTRAINT', 'INTERFACE');

-- CreateEnum
CREATE TYPE "RequirementPriority" AS ENUM ('MUST', 'SHOULD', 'COULD', 'WONT');

-- CreateEnum
CREATE TYPE "RequirementStatus" AS ENUM ('DRAFT', 'IN_REVIEW', 'APPROVED', 'IMPLEMENTED', 'VERIFIED', 'DEPRECATED');

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "requirementCounter" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Requirement" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "rationale" TEXT NOT NULL,
    "type" "RequirementType" NOT NULL,
    "priority" "RequirementPriority" NOT NULL,
    "status" "RequirementStatus" NOT NULL,
    "tags" TEXT[],
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "parentId" TEXT,
    "position" DOUBLE PRECISION NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Requirement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RequirementVersion" (
    "id" TEXT NOT NULL,
    "requirementId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "rationale" TEXT NOT NULL,
    "type" "RequirementType" NOT NULL,
    "priority" "RequirementPriority" NOT NULL,
    "status" "RequirementStatus" NOT NULL,
    "tags" TEXT[],
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "parentId" TEXT,
    "position" DOUBLE PRECISION NOT NULL,
    "changeKind" TEXT NOT NULL,
    "changeNote" TEXT NOT NULL DEFAULT '',
    "authorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RequirementVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Baseline" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "requirementCount" INTEGER NOT NULL,
    "authorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Baseline_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BaselineItem" (
    "baselineId" TEXT NOT NULL,
    "requirementId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,

    CONSTRAINT "BaselineItem_pkey" PRIMARY KEY ("baselineId","requirementId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Requirement_key_key" ON "Requirement"("key");

-- CreateIndex
CREATE INDEX "Requirement_projectId_parentId_position_idx" ON "Requirement"("projectId", "parentId", "position");

-- CreateIndex
CREATE INDEX "Requirement_projectId_updatedAt_id_idx" ON "Requirement"("projectId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Requirement_projectId_status_idx" ON "Requirement"("projectId", "status");

-- CreateIndex
CREATE INDEX "Requirement_tags_idx" ON "Requirement" USING GIN ("tags");

-- CreateIndex
CREATE UNIQUE INDEX "Requirement_projectId_number_key" ON "Requirement"("projectId", "number");

-- CreateIndex
CREATE INDEX "RequirementVersion_projectId_idx" ON "RequirementVersion"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "RequirementVersion_requirementId_version_key" ON "RequirementVersion"("requirementId", "version");

-- CreateIndex
CREATE INDEX "Baseline_projectId_createdAt_idx" ON "Baseline"("projectId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Baseline_projectId_name_key" ON "Baseline"("projectId", "name");

-- CreateIndex
CREATE INDEX "BaselineItem_versionId_idx" ON "BaselineItem"("versionId");

-- AddForeignKey
ALTER TABLE "Requirement" ADD CONSTRAINT "Requirement_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Requirement" ADD CONSTRAINT "Requirement_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Requirement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Requirement" ADD CONSTRAINT "Requirement_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RequirementVersion" ADD CONSTRAINT "RequirementVersion_requirementId_fkey" FOREIGN KEY ("requirementId") REFERENCES "Requirement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RequirementVersion" ADD CONSTRAINT "RequirementVersion_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Baseline" ADD CONSTRAINT "Baseline_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Baseline" ADD CONSTRAINT "Baseline_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BaselineItem" ADD CONSTRAINT "BaselineItem_baselineId_fkey" FOREIGN KEY ("baselineId") REFERENCES "Baseline"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BaselineItem" ADD CONSTRAINT "BaselineItem_requirementId_fkey" FOREIGN KEY ("requirementId") REFERENCES "Requirement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BaselineItem" ADD CONSTRAINT "BaselineItem_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "RequirementVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- History is never overwritten: content columns of versions, baselines and
-- audit events refuse UPDATE. (Foreign-key SET NULL on author/actor columns
-- and cascading deletes of a whole project stay possible.)
-- The migration runner splits scripts on semicolons, so the one inside the
-- function body is written as the escape \x3b.
CREATE FUNCTION specline_refuse_update() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''rows of % are immutable'', TG_TABLE_NAME USING ERRCODE = ''restrict_violation''\x3b END';

CREATE TRIGGER "RequirementVersion_immutable"
  BEFORE UPDATE OF "requirementId", "projectId", "version", "title", "statement", "rationale", "type",
    "priority", "status", "tags", "attributes", "parentId", "position", "changeKind", "changeNote", "createdAt"
  ON "RequirementVersion" FOR EACH ROW EXECUTE FUNCTION specline_refuse_update();

CREATE TRIGGER "Baseline_immutable"
  BEFORE UPDATE OF "projectId", "name", "note", "requirementCount", "createdAt"
  ON "Baseline" FOR EACH ROW EXECUTE FUNCTION specline_refuse_update();

CREATE TRIGGER "BaselineItem_immutable"
  BEFORE UPDATE ON "BaselineItem" FOR EACH ROW EXECUTE FUNCTION specline_refuse_update();

CREATE TRIGGER "AuditEvent_immutable"
  BEFORE UPDATE OF "createdAt", "action", "entityType", "entityId", "before", "after", "requestId"
  ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION specline_refuse_update();
