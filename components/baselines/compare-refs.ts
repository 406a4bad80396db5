/** Which two states the baselines page compares; shared by the server page and the client view. */
export const HEAD = "HEAD";

/** The URL's from/to, else the latest baseline against the current state (HEAD). */
export function compareRefs(params: { from?: string | null; to?: string | null }, latestId: string | undefined) {
  const clean = (v: string | null | undefined) => (v && /^[A-Za-z0-9_-]{1,64}$/.test(v) ? v : undefined);
  const from = clean(params.from) ?? latestId;
  const to = clean(params.to) ?? HEAD;
  return from ? { from, to } : null;
}
