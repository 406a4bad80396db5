-- The zone a person's emails give times in, an IANA name (pages use the browser's own zone)
ALTER TABLE "User" ADD COLUMN "timeZone" TEXT NOT NULL DEFAULT 'UTC';
