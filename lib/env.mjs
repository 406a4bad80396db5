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
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Largest file an import takes (kept in the database until it has run). */
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .default(50 * 1024 * 1024),
  /** Attachments go to an S3-compatible bucket when S3_BUCKET is set, to DATA_DIR/uploads otherwise. */
  S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "must be a bucket name (3-63 lower-case letters, digits, dots, hyphens)",
    )
    .optional(),
  S3_ENDPOINT: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), "must be an http:// or https:// URL")
    .optional(),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, "must be a region name such as us-east-1 or auto")
    .default("us-east-1"),
  S3_ACCESS_KEY_ID: optionalSecretPair,
  S3_SECRET_ACCESS_KEY: optionalSecretPair,
  S3_FORCE_PATH_STYLE: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  S3_PREFIX: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9._/-]*$/, "may contain only letters, digits, '.', '_', '-' and '/'")
    .refine((v) => !v.split("/").some((part) => part === "." || part === ".."), "may not contain '.' or '..' segments")
    .transform((v) => v.replace(/^\/+|\/+$/g, ""))
    .optional(),
  /**
   * How many reverse proxies of ours stand in front of the server: the client
   * address is then the Nth entry from the right of X-Forwarded-For. 0 = the
   * socket address (server/auth/client-ip.ts).
   */
  TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  /** The least severe log lines written to stdout (server/observability/log.ts). */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Largest body of an API call (tRPC) or a sign-in form; uploads have ATTACHMENT_MAX_BYTES. */
  REQUEST_BODY_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(900),
  /** After LOGIN_MAX_ATTEMPTS sign-ins on one account in the window, each further one waits this long, doubling… */
  LOGIN_DELAY_BASE_MS: z.coerce.number().int().min(1).max(30_000).default(500),
  /** …up to this long (at most 30 s). */
  LOGIN_DELAY_MAX_MS: z.coerce.number().int().min(1).max(30_000).default(30_000),
  INNGEST_EVENT_KEY: z.string().min(1).optional(),
  INNGEST_SIGNING_KEY: z.string().min(1).optional(),
  /** "1"/"true" (or a dev-server URL) = talk to an Inngest dev server at INNGEST_BASE_URL. */
  INNGEST_DEV: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === "0" || v.toLowerCase() === "false" ? undefined : v)),
  INNGEST_BASE_URL: z.string().url().optional(),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Specline <specline@localhost>"),
  /** A session ends after this many days without a request (the idle timeout)… */
  SESSION_IDLE_DAYS: z.coerce.number().min(0.001).max(365).default(7),
  /** …and this many days after sign-in, whatever the activity (the absolute lifetime). */
  SESSION_MAX_AGE_DAYS: z.coerce.number().min(0.001).max(365).default(30),
  /**
   * Whether a new account must confirm its address (a link by email) before it can do anything but sign in
   * and verify. Unset: on when SMTP_URL is set (see emailVerificationRequired).
   */
  REQUIRE_EMAIL_VERIFICATION: z
    .enum(["true", "false", "1", "0"])
    .transform((v) => v === "true" || v === "1")
    .optional(),
  /** Instance admins must turn on two-factor sign-in (TOTP) before they can do anything else. */
  REQUIRE_ADMIN_MFA: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Browser origins (`https://tools.example.com`, comma-separated) whose pages may call the API with API tokens. */
  CORS_ORIGINS: z
    .string()
    .max(2000)
    .transform((v) =>
      v
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)),
      "must be origins such as https://tools.example.com, separated by commas",
    )
    .optional(),
  /** How long the security log (sign-ins, account changes) keeps its entries. */
  SECURITY_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /*
   * Retention of what is only kept for a while (server/services/retention.ts); 0 keeps it for ever.
   * Audit events and requirement and project versions are never pruned.
   */
  /** Outbox events, once delivered (a live stream resuming from an older event starts over). */
  RETENTION_OUTBOX_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  /** In-app notifications the user has read (unread ones are kept). */
  RETENTION_READ_NOTIFICATIONS_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  /** Webhook deliveries that succeeded or failed for good, with their attempts. */
  RETENTION_WEBHOOK_DELIVERIES_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /** Email written to DATA_DIR/mail when no SMTP server is configured. */
  RETENTION_MAIL_FILES_DAYS: z.coerce.number().int().min(0).max(3650).default(14),
  /** Uploaded files on disk that no attachment names (an upload cut off before it was recorded). */
  RETENTION_ORPHAN_UPLOADS_HOURS: z.coerce.number().int().min(0).max(87_600).default(24),
  /** Who may create an account: anyone, people with an address in SIGNUP_DOMAINS, or invited people only. */
  SIGNUP_MODE: z.enum(["open", "domains", "invite"]).default("open"),
  /** The email domains sign-up accepts with SIGNUP_MODE=domains, comma-separated (`example.com,corp.example`). */
  SIGNUP_DOMAINS: z
    .string()
    .max(2000)
    .transform((v) =>
      v
        .split(",")
        .map((d) => d.trim().toLowerCase().replace(/^@/, ""))
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((d) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)),
      "must be domain names separated by commas",
    )
    .optional(),
  /** How often the outbox dispatcher looks for new events when idle. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** "off" keeps the server from running the outbox dispatcher (e.g. a separate worker runs it). */
  BACKGROUND_JOBS: z.enum(["on", "off"]).default("on"),
  /**
   * How long a stopping instance may drain (requests in flight, then its
   * dispatcher) before what is left is cut; read by the server entry,
   * scripts/serve.mjs. Keep it under the orchestrator's grace period.
   */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(30_000),
  /**
   * Development only: lets webhooks and Slack URLs target private, loopback and
   * link-local addresses (a receiver on this machine). Off unless set to true;
   * never enable it on a server reachable by untrusted project admins.
   */
  ALLOW_PRIVATE_WEBHOOK_URLS: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1")
    .describe("Development only: allow webhook targets on private, loopback and link-local addresses"),
  /** "off" disables the API's request budgets (sign-in throttling stays on). */
  RATE_LIMITS: z.enum(["on", "off"]).default("on"),
  /** Procedure calls per minute per user (anonymous callers: per client address). */
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Searches, impact analyses, matrices and exports per minute per user. */
  RATE_LIMIT_EXPENSIVE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** Projects created, test webhook deliveries and mention emails per hour per user. */
  RATE_LIMIT_CREATE_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** How long a rate-limit call to Redis may take before the process limits in memory instead. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(50),
  /** Sign-ups per hour per client address. */
  RATE_LIMIT_REGISTER_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Time budget of a read statement on PostgreSQL (the session default). */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /** Time budget of each statement in a change's transaction. */
  WRITE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** Time budget of each statement of an export or an aggregation run. */
  LONG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /**
   * The request budget: an API call that has not answered by then gets
   * SERVICE_UNAVAILABLE. Every query's client-side timeout
   * (WRITE_STATEMENT_TIMEOUT_MS + 1 s) and every transaction's must fit inside it.
   */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(15_000),
  /** How long a request waits for a database connection (a pooled one, or a new one to be opened). */
  DATABASE_POOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  /** Live streams one user may hold open on one instance (a browser opens one per tab). */
  LIVE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Live streams one instance holds open in all; past it new streams get SERVICE_UNAVAILABLE. */
  LIVE_MAX_STREAMS: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  /** A live stream ends after this long and the browser reconnects (resuming where it was), re-checking its session. */
  LIVE_MAX_DURATION_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(900_000),
  /** A reconnecting tab is replayed at most this many of its project's changes; after a longer gap it refetches what it shows. */
  LIVE_REPLAY_MAX_CHANGES: z.coerce.number().int().min(1).max(100_000).default(1_000),
  /**
   * The bearer token Prometheus sends to GET /api/metrics. Unset: only scrapes from this machine's loopback
   * address are answered (server/observability/metrics-access.ts).
   */
  METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
});

/** @typedef {z.infer<typeof envSchema>} Env */

/**
 * Validates `source` and throws one readable error naming every bad variable.
 * @param {Record<string, string | undefined>} source
 * @returns {Env}
 */
export function parseEnv(source) {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
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
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    throw new Error(
      "Invalid environment configuration:\n  S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together",
    );
  }
  if (env.S3_BUCKET && !env.S3_ACCESS_KEY_ID) {
    throw new Error("Invalid environment configuration:\n  S3_BUCKET needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY");
  }
  if (env.WRITE_STATEMENT_TIMEOUT_MS + 2_000 > env.REQUEST_TIMEOUT_MS) {
    // A statement's client-side timeout (its budget + 1 s) and its transaction's must end before the request's.
    throw new Error(
      "Invalid environment configuration:\n  REQUEST_TIMEOUT_MS must be at least WRITE_STATEMENT_TIMEOUT_MS + 2000",
    );
  }
  if (env.STATEMENT_TIMEOUT_MS > env.WRITE_STATEMENT_TIMEOUT_MS) {
    throw new Error(
      "Invalid environment configuration:\n  STATEMENT_TIMEOUT_MS must not be larger than WRITE_STATEMENT_TIMEOUT_MS",
    );
  }
  if (!env.S3_BUCKET && (env.S3_ENDPOINT || env.S3_ACCESS_KEY_ID || env.S3_PREFIX)) {
    // Otherwise a forgotten bucket name would silently keep files on local disk.
    throw new Error("Invalid environment configuration:\n  S3_BUCKET is required when other S3_ variables are set");
  }
  if (env.SESSION_IDLE_DAYS > env.SESSION_MAX_AGE_DAYS) {
    throw new Error(
      "Invalid environment configuration:\n  SESSION_IDLE_DAYS must not be larger than SESSION_MAX_AGE_DAYS",
    );
  }
  if (env.SIGNUP_MODE === "domains" && !env.SIGNUP_DOMAINS?.length) {
    throw new Error("Invalid environment configuration:\n  SIGNUP_DOMAINS is required when SIGNUP_MODE=domains");
  }
  return env;
}

/**
 * Whether new accounts must verify their address: REQUIRE_EMAIL_VERIFICATION,
 * or, unset, whether email really leaves the server (SMTP_URL).
 * @param {Env} env
 */
export function emailVerificationRequired(env) {
  return env.REQUIRE_EMAIL_VERIFICATION ?? Boolean(env.SMTP_URL);
}

/**
 * The public URL: APP_URL, or the local server. Sign-in callbacks (the start
 * script passes it to next-auth) and links in email use the same value.
 * @param {Env} env
 */
export function appUrl(env) {
  return env.APP_URL ?? `http://localhost:${env.PORT}`;
}

/** @type {Env | undefined} */
let cached;

/** The validated environment of this process (parsed once). @returns {Env} */
export function getEnv() {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Forgets the parsed environment so the next getEnv() re-reads process.env (tests that change it). */
export function resetEnvCache() {
  cached = undefined;
}
