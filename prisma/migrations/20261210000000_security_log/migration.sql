-- The security log: sign-ins and account changes, kept apart from the audit
-- log and pruned after SECURITY_LOG_RETENTION_DAYS.
CREATE TABLE "SecurityEvent" (
    "id" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "userId" TEXT,
    "emailHash" TEXT,
    "actorId" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "detail" JSONB,
    CONSTRAINT "SecurityEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "SecurityEvent_userId_at_idx" ON "SecurityEvent"("userId", "at");
CREATE INDEX "SecurityEvent_at_idx" ON "SecurityEvent"("at");
CREATE INDEX "SecurityEvent_kind_at_idx" ON "SecurityEvent"("kind", "at");
ALTER TABLE "SecurityEvent" ADD CONSTRAINT "SecurityEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
