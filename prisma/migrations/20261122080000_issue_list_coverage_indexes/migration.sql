-- A reporter's issue list filters on (reporter OR assignee) plus status and
-- severity: with those columns in the index, the bitmap scans fetch only the
-- matching rows instead of every issue the reporter can see.
CREATE INDEX "Issue_projectId_reporterId_status_severity_idx" ON "Issue"("projectId", "reporterId", "status", "severity");
CREATE INDEX "Issue_projectId_assigneeId_status_severity_idx" ON "Issue"("projectId", "assigneeId", "status", "severity");

-- Coverage joins links to the project's done issues: the ids of the issues
-- in a status come from the index alone, without reading the wide issue rows.
CREATE INDEX "Issue_projectId_status_id_idx" ON "Issue"("projectId", "status") INCLUDE ("id");
