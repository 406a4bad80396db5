/**
 * Domain errors. Services throw AppError with a code; the tRPC layer maps the
 * code one-to-one onto a tRPC error code (server/api/trpc.ts), so jobs and
 * scripts can use the same services without knowing about HTTP.
 */
export const APP_ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "TOO_MANY_REQUESTS",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "BAD_GATEWAY",
  "SERVICE_UNAVAILABLE",
] as const;

/** HTTP status of each code, for route handlers outside tRPC. */
export const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A service we depend on (e.g. object storage) answered with a refusal or nonsense. */
  BAD_GATEWAY: 502,
  /** A service we depend on is down or overloaded; trying again later may work. */
  SERVICE_UNAVAILABLE: 503,
};

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Safe, structured details for the client (e.g. the current version on CONFLICT). */
  readonly details?: Record<string, unknown>;

  constructor(code: AppErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const forbidden = (message = "You do not have permission to do this") => new AppError("FORBIDDEN", message);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError("CONFLICT", message, details);

/**
 * A failure that retrying will not help: the receiver refused the message
 * for good (an SMTP 5xx, a 4xx from Slack), or the target is not allowed.
 * Services throw it for background work; whoever runs that work decides what
 * it means — the in-process dispatcher and the notification channels stop
 * retrying, and the Inngest functions turn it into Inngest's
 * NonRetriableError (server/jobs/permanent-failures.ts).
 */
export class PermanentFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentFailure";
  }
}

/**
 * The one test for "retrying will not help", used by the dispatcher, the
 * notification channels and the Inngest mapping. It follows `cause` because
 * a failed Inngest step comes back as a StepError whose cause is the
 * original error, rebuilt from JSON: a plain Error that kept only its name.
 */
export function isPermanentFailure(err: unknown): boolean {
  let current = err;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    if (current instanceof PermanentFailure || (current as { name?: unknown }).name === "PermanentFailure") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Prisma's "unique constraint failed" (P2002), recognised without importing the client runtime. */
export function isUniqueViolation(err: unknown): boolean {
  return prismaCode(err) === "P2002";
}

function prismaCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : undefined;
}

/** The pool had no connection for a transaction in time (P2028): the server is busy, not broken. */
export function isBusy(err: unknown): boolean {
  return prismaCode(err) === "P2028";
}

/**
 * A write conflict or deadlock the database resolved by aborting us: safe to retry. Prisma's own queries report
 * it as P2034; a raw statement fails with its SQLSTATE (40001 serialization failure, 40P01 deadlock).
 */
export function isWriteConflict(err: unknown): boolean {
  if (prismaCode(err) === "P2034") return true;
  const state = sqlState(err);
  return state === "40001" || state === "40P01";
}

/**
 * The PostgreSQL SQLSTATE of a failed statement: on the pg error itself
 * (raw reads through `queryRows`), or inside Prisma's error from the driver
 * adapter (`meta.driverAdapterError.cause.originalCode`).
 */
export function sqlState(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const adapter = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } }).meta
    ?.driverAdapterError?.cause?.originalCode;
  if (typeof adapter === "string") return adapter;
  const code = (err as { code?: unknown }).code;
  // pg's DatabaseError carries the SQLSTATE (five characters) as `code`; Prisma's own codes are P + four digits.
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !/^P\d{4}$/.test(code) ? code : undefined;
}

/**
 * The statement ran past its time budget (`statement_timeout`) or was
 * cancelled because its request went away: SQLSTATE 57014 either way.
 */
export function isStatementCancelled(err: unknown): boolean {
  return sqlState(err) === "57014";
}

/** Prisma's own codes for "cannot reach / lost the database" and "no connection from the pool in time". */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** The driver adapter's kinds for the same. */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TlsConnectionError",
]);
/** Socket errors of a connection to the database. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
/**
 * What the pg driver and pool say when a connection is gone, cannot be made
 * in time or timed out on the client side (server/db.ts sets both limits),
 * and what PostgreSQL says while it shuts down, restarts or recovers.
 */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|is not queryable|Client was closed|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|terminating connection due to administrator command/i;

/**
 * The database cannot be reached, dropped the connection, is restarting or
 * has no connection for us in time: SQLSTATE class 08 (connection
 * exception), 57P01-57P03 (shutdown, crash, cannot connect now) and 53300
 * (too many connections), the driver adapter's and Prisma's codes for the
 * same, socket errors and the pg driver's own messages. It follows `cause`
 * and the adapter's wrapped error, where Prisma keeps the original.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const stack: unknown[] = [err];
  for (let seen = 0; stack.length > 0 && seen < 10; seen++) {
    const current = stack.pop();
    if (typeof current !== "object" || current === null) continue;
    const e = current as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    const state = sqlState(e);
    if (state && (state.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(state))) return true;
    if (typeof e.code === "string" && (UNAVAILABLE_PRISMA_CODES.has(e.code) || UNAVAILABLE_SOCKET_CODES.has(e.code)))
      return true;
    if (typeof e.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(e.kind)) return true;
    if (typeof e.message === "string" && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    stack.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}

/** Seconds a client should wait before retrying a SERVICE_UNAVAILABLE answer (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The domain error an exception means, or null for a bug (a 500). The one
 * mapping for tRPC procedures (server/api/trpc.ts) and the route handlers
 * outside tRPC (server/http/route-helpers.ts).
 */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (isUniqueViolation(err)) return conflict("This already exists");
  if (isWriteConflict(err)) return conflict("A concurrent change got in the way; try again");
  if (isBusy(err)) return new AppError("SERVICE_UNAVAILABLE", "The server is busy; try again shortly");
  if (isDatabaseUnavailable(err)) {
    return new AppError("SERVICE_UNAVAILABLE", "The database is unavailable; try again shortly", {
      reason: "database_unavailable",
    });
  }
  if (isStatementCancelled(err)) {
    return new AppError(
      "SERVICE_UNAVAILABLE",
      "This request took longer than the server allows and was stopped; narrow it or try again later",
      { reason: "time_budget" },
    );
  }
  return null;
}
