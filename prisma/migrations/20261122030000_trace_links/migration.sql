-- CreateEnum
CREATE TYPE "TraceLinkType" AS ENUM ('PARENT_OF', 'DERIVES_FROM', 'REFINES', 'CONFLICTS_WITH', 'IMPLEMENTS', 'VERIFIES', 'RELATES_TO');

-- CreateTable
CREATE TABLE "TraceLink" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "type" "TraceLinkType" NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "sourceRequirementId" TEXT,
    "sourceIssueId" TEXT,
    "targetRequirementId" TEXT NOT NULL,
    "linkedVersion" INTEGER NOT NULL,
    "suspect" BOOLEAN NOT NULL DEFAULT false,
    "suspectSince" TIMESTAMP(3),
    "clearedById" TEXT,
    "clearedAt" TIMESTAMP(3),
    "clearReason" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TraceLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TraceLink_targetRequirementId_idx" ON "TraceLink"("targetRequirementId");

-- CreateIndex
CREATE INDEX "TraceLink_sourceRequirementId_idx" ON "TraceLink"("sourceRequirementId");

-- CreateIndex
CREATE INDEX "TraceLink_sourceIssueId_idx" ON "TraceLink"("sourceIssueId");

-- CreateIndex
CREATE INDEX "TraceLink_projectId_suspect_idx" ON "TraceLink"("projectId", "suspect");

-- CreateIndex
CREATE UNIQUE INDEX "TraceLink_sourceKey_targetRequirementId_type_key" ON "TraceLink"("sourceKey", "targetRequirementId", "type");

-- AddForeignKey
ALTER TABLE "TraceLink" ADD CONSTRAINT "TraceLink_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TraceLink" ADD CONSTRAINT "TraceLink_sourceRequirementId_fkey" FOREIGN KEY ("sourceRequirementId") REFERENCES "Requirement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TraceLink" ADD CONSTRAINT "TraceLink_sourceIssueId_fkey" FOREIGN KEY ("sourceIssueId") REFERENCES "Issue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TraceLink" ADD CONSTRAINT "TraceLink_targetRequirementId_fkey" FOREIGN KEY ("targetRequirementId") REFERENCES "Requirement"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A link has exactly one downstream end, and a link never points at itself.
ALTER TABLE "TraceLink" ADD CONSTRAINT "TraceLink_one_source"
  CHECK ((("sourceRequirementId" IS NOT NULL)::int + ("sourceIssueId" IS NOT NULL)::int) = 1);
ALTER TABLE "TraceLink" ADD CONSTRAINT "TraceLink_not_self"
  CHECK ("sourceRequirementId" IS NULL OR "sourceRequirementId" <> "targetRequirementId");
