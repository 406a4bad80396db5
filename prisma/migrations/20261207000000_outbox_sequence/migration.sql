-- Live event streams: every dispatched outbox event gets a number from one
-- database sequence, assigned when it is dispatched (never at insert, so
-- the numbers follow dispatch order). The number is the stream's event id:
-- a reconnecting browser names the last one it saw and gets exactly the
-- events after it.
CREATE SEQUENCE "OutboxEvent_seq_seq" AS BIGINT;

ALTER TABLE "OutboxEvent" ADD COLUMN "seq" BIGINT;

-- Replay after a reconnect reads one project's events after a number.
CREATE UNIQUE INDEX "OutboxEvent_seq_key" ON "OutboxEvent"("seq");
CREATE INDEX "OutboxEvent_projectId_seq_idx" ON "OutboxEvent"("projectId", "seq") WHERE "seq" IS NOT NULL;

-- Which dispatcher holds an event's lease: a dispatcher that lost its
-- connection while claiming (the claim may have committed without it
-- hearing) hands back everything it holds once the database answers again,
-- instead of leaving it until the lease ends.
ALTER TABLE "OutboxEvent" ADD COLUMN "leasedBy" TEXT;
