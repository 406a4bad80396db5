/**
 * The pg connection string and pool size for a DATABASE_URL. A
 * `connection_limit` parameter (the name Prisma users know) sets the pool
 * size and is not passed on to the server.
 *
 * The embedded database asks for 1: its socket server interleaves the
 * protocol messages of concurrent connections outside transactions (one
 * connection's Bind can land on another's Parse), so a single connection,
 * with queries queued in the pool, is the only safe way to use it — and
 * PGlite runs one statement at a time anyway.
 *
 * `prepared_statements=false` (the embedded database sets it) keeps the app
 * from naming statements: the embedded socket server runs one session for
 * all its connections, so a statement one connection prepared would clash
 * with the same name prepared again on a reconnect.
 *
 * @param {string} databaseUrl
 * @param {number} [fallback] pool size when the URL does not say
 * @returns {{ connectionString: string, max: number }}
 */
export function poolConfig(databaseUrl, fallback = 10) {
  const url = new URL(databaseUrl);
  const limit = Number(url.searchParams.get("connection_limit") ?? fallback);
  url.searchParams.delete("connection_limit");
  url.searchParams.delete("prepared_statements");
  return { connectionString: url.toString(), max: Number.isInteger(limit) && limit > 0 ? Math.min(limit, 100) : fallback };
}

/**
 * Whether reads may be sent as named prepared statements (see poolConfig).
 *
 * @param {string} databaseUrl
 * @returns {boolean}
 */
export function allowsPreparedStatements(databaseUrl) {
  return new URL(databaseUrl).searchParams.get("prepared_statements") !== "false";
}
