-- The zone a person's emails give times in (IANA name; pages use the browser's own).
ALTER TABLE "User" ADD COLUMN "timeZone" TEXT NOT NULL DEFAULT 'UTC';
