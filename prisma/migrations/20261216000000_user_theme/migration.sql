-- Light, dark, or as the system is, remembered per account
ALTER TABLE "User" ADD COLUMN "theme" TEXT NOT NULL DEFAULT 'system';
