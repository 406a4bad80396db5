-- The projects open for reporting. A signed-in person has a role in each of them without a membership,
-- so the list of their projects and search across projects start from their memberships and this index
-- instead of reading every project of the instance. An index on the expression (rather than a partial
-- one) also gives the planner statistics of it: it then knows how few projects are open.
CREATE INDEX "Project_openReporting_idx" ON "Project"(("settings" -> 'openReporting'));
