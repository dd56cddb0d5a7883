// A provider may ask for a rest, but not for one that outlives any sensible cooldown.
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long a 429 asked us to wait, in ms: `retry-after-ms` (OpenAI, Azure) first, then
 * `Retry-After` as seconds or an HTTP date. Null when absent or unreadable.
 */
export function parseRetryAfterMs(headers: Headers, now: number): number | null {
  const precise = Number(firstValue(headers["retry-after-ms"]));
  if (Number.isFinite(precise) && precise >= 0 && firstValue(headers["retry-after-ms"]) !== "") {
    return Math.min(precise, MAX_RETRY_AFTER_MS);
  }
  const raw = firstValue(headers["retry-after"])?.trim();
  if (!raw) return null;
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
