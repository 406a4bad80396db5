/**
 * The one place the process environment is read and validated. Both the
 * start script and the server import it, so a bad value fails at start with
 * a message naming the variable.
 */
import { z } from "zod";

const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// or postgresql:// URL");

const optionalSecretPair = z.string().min(1).optional();

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  APP_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  DATABASE_URL: postgresUrl.optional(),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), "must be a redis:// or rediss:// URL")
    .optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  GITHUB_ID: optionalSecretPair,
  GITHUB_SECRET: optionalSecretPair,
  GOOGLE_ID: optionalSecretPair,
  GOOGLE_SECRET: optionalSecretPair,
  PROJECT_CREATION: z.enum(["anyone", "admins"]).default("anyone"),
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(900),
});

/** @typedef {z.infer<typeof envSchema>} Env */

/**
 * Validates `source` and throws one readable error naming every bad variable.
 * @param {Record<string, string | undefined>} source
 * @returns {Env}
 */
export function parseEnv(source) {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const env = result.data;
  if ((env.GITHUB_ID && !env.GITHUB_SECRET) || (!env.GITHUB_ID && env.GITHUB_SECRET)) {
    throw new Error("Invalid environment configuration:\n  GITHUB_ID and GITHUB_SECRET must be set together");
  }
  if ((env.GOOGLE_ID && !env.GOOGLE_SECRET) || (!env.GOOGLE_ID && env.GOOGLE_SECRET)) {
    throw new Error("Invalid environment configuration:\n  GOOGLE_ID and GOOGLE_SECRET must be set together");
  }
  return env;
}

/** @type {Env | undefined} */
let cached;

/** The validated environment of this process (parsed once). @returns {Env} */
export function getEnv() {
  cached ??= parseEnv(process.env);
  return cached;
}
