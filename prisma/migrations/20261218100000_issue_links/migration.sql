-- Links between issues: one blocks another, duplicates it, or relates to it.
-- A "relates to" link is stored once, from the issue whose id sorts first.
CREATE TYPE "IssueLinkType" AS ENUM ('BLOCKS', 'DUPLICATES', 'RELATES_TO');

CREATE TABLE "IssueLink" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "fromIssueId" TEXT NOT NULL,
    "toIssueId" TEXT NOT NULL,
    "type" "IssueLinkType" NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IssueLink_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "IssueLink_not_to_itself" CHECK ("fromIssueId" <> "toIssueId")
);

CREATE UNIQUE INDEX "IssueLink_fromIssueId_toIssueId_type_key" ON "IssueLink"("fromIssueId", "toIssueId", "type");
CREATE INDEX "IssueLink_toIssueId_idx" ON "IssueLink"("toIssueId");
CREATE INDEX "IssueLink_projectId_idx" ON "IssueLink"("projectId");

ALTER TABLE "IssueLink" ADD CONSTRAINT "IssueLink_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "IssueLink" ADD CONSTRAINT "IssueLink_fromIssueId_fkey" FOREIGN KEY ("fromIssueId") REFERENCES "Issue"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "IssueLink" ADD CONSTRAINT "IssueLink_toIssueId_fkey" FOREIGN KEY ("toIssueId") REFERENCES "Issue"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "IssueLink" ADD CONSTRAINT "IssueLink_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
