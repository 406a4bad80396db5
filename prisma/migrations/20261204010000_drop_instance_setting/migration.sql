-- InstanceSetting was never read or written: instance settings live in the
-- environment (lib/env.mjs). Dropped so the schema says only what is used.
DROP TABLE "InstanceSetting";
