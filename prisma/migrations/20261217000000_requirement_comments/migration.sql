-- Comments on requirements: a comment belongs to an issue or to a requirement, never both, never neither
ALTER TABLE "Comment" ALTER COLUMN "issueId" DROP NOT NULL;
ALTER TABLE "Comment" ADD COLUMN "requirementId" TEXT;

ALTER TABLE "Comment" ADD CONSTRAINT "Comment_requirementId_fkey" FOREIGN KEY ("requirementId") REFERENCES "Requirement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Comment" ADD CONSTRAINT "Comment_one_subject"
  CHECK ((("issueId" IS NOT NULL)::int + ("requirementId" IS NOT NULL)::int) = 1);

-- A requirement's thread, oldest first, page by page
CREATE INDEX "Comment_requirementId_createdAt_id_idx" ON "Comment"("requirementId", "createdAt", "id");
