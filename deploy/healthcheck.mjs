#!/usr/bin/env node
/**
 * Container HEALTHCHECK: exits 0 when GET /api/health answers 200 within
 * 4 seconds, else 1. Uses node's fetch (the slim image has no curl).
 */
const port = process.env.PORT || "3000";
const url = `http://127.0.0.1:${port}/api/health`;

try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (!res.ok) {
    console.error(`health: ${url} answered ${res.status}`);
    process.exit(1);
  }
  process.exit(0);
} catch (err) {
  console.error(`health: ${url} failed: ${err.message}`);
  process.exit(1);
}
