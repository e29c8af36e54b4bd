// The 429 backoff every Duo client shares (duo-auth-api.md §0-F): waits of 1, 2, 4, 8, 16 and 32 s,
// each plus 0-1 s of jitter, so 7 attempts in all; a Retry-After / X-Retry-After (seconds or an HTTP
// date, as duo_unix reads it) replaces the scheduled wait. Pure: the caller sleeps and checks its
// deadline.

export const BACKOFF_BASE_MS = [1000, 2000, 4000, 8000, 16_000, 32_000] as const;
export const MAX_ATTEMPTS = BACKOFF_BASE_MS.length + 1;

/** The wait a Retry-After header asks for, in ms (0 for a date in the past), or undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  if (!/[A-Za-z]/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * How long to wait after the `retryIndex`-th 429 (0 for the first), or undefined when the schedule is
 * spent and the 429 goes back to the caller.
 */
export function backoffDelayMs(retryIndex: number, random: () => number, retryAfterMs?: number): number | undefined {
  const base = BACKOFF_BASE_MS[retryIndex];
  if (base === undefined) return undefined;
  if (retryAfterMs !== undefined) return retryAfterMs;
  return base + Math.floor(random() * 1000);
}
