// A provider may ask for a rest, but not for one that outlives any sensible cooldown.
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** OpenAI's reset durations: `1s`, `6m0s`, `20ms`, `1h2m3.5s`. */
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|h|m|s))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseDurationMs(raw: string): number | null {
  if (!DURATION.test(raw)) return null;
  let total = 0;
  for (const [, amount, unit] of raw.matchAll(DURATION_PART)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}

/**
 * When the provider's rate-limit window resets, from the headers that say so without a
 * Retry-After: OpenAI's `x-ratelimit-reset-requests` / `-tokens` (durations) and Anthropic's
 * `anthropic-ratelimit-requests-reset` / `-tokens-reset` (RFC 3339 times); the later of each pair.
 */
function parseResetMs(headers: Headers, now: number): number | null {
  const waits: number[] = [];
  for (const name of ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]) {
    const raw = firstValue(headers[name])?.trim();
    const ms = raw ? parseDurationMs(raw) : null;
    if (ms !== null) waits.push(ms);
  }
  for (const name of ["anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset"]) {
    const raw = firstValue(headers[name])?.trim();
    const at = raw ? Date.parse(raw) : Number.NaN;
    if (!Number.isNaN(at)) waits.push(Math.max(0, at - now));
  }
  return waits.length > 0 ? Math.min(Math.max(...waits), MAX_RETRY_AFTER_MS) : null;
}

/**
 * How long a 429 asked us to wait, in ms: `retry-after-ms` (OpenAI, Azure) first, then
 * `Retry-After` as seconds or an HTTP date, then the rate-limit reset headers. Null when
 * absent or unreadable.
 */
export function parseRetryAfterMs(headers: Headers, now: number): number | null {
  const precise = Number(firstValue(headers["retry-after-ms"]));
  if (Number.isFinite(precise) && precise >= 0 && firstValue(headers["retry-after-ms"]) !== "") {
    return Math.min(precise, MAX_RETRY_AFTER_MS);
  }
  const raw = firstValue(headers["retry-after"])?.trim();
  if (!raw) return parseResetMs(headers, now);
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : null;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/** The header value we send: whole seconds, rounded up so clients never retry too early. */
export function toRetryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
