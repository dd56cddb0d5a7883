import { GatewayError } from "../gateway/errors";
import type { Charge } from "./store";

/** A counter as this request found it, for the headers and the refusal's message. */
export interface TakenWindow {
  charge: Charge;
  used: number;
  resetMs: number;
  /** Whose limit it is, for the message: `API key "ci"`, `model "gpt"`. */
  owner: string;
}

/** OpenAI's reset format: `1s`, `6m0s`, `250ms`. */
export function formatReset(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = Math.ceil(ms / 1_000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

const isTokens = (charge: Charge): boolean => charge.name.endsWith(":tpm");

/**
 * OpenAI's `x-ratelimit-*` headers for the tightest request window and the tightest token
 * window this request was counted in (the one with the least left).
 */
export function rateLimitHeaders(windows: readonly TakenWindow[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [suffix, select] of [
    ["requests", (w: TakenWindow) => w.charge.kind === "window" && !isTokens(w.charge)],
    ["tokens", (w: TakenWindow) => isTokens(w.charge)],
  ] as const) {
    let tightest: TakenWindow | null = null;
    for (const window of windows) {
      if (!select(window)) continue;
      const left = window.charge.limit - window.used;
      if (!tightest || left < tightest.charge.limit - tightest.used) tightest = window;
    }
    if (!tightest) continue;
    headers[`x-ratelimit-limit-${suffix}`] = String(tightest.charge.limit);
    headers[`x-ratelimit-remaining-${suffix}`] = String(Math.max(0, tightest.charge.limit - tightest.used));
    headers[`x-ratelimit-reset-${suffix}`] = formatReset(tightest.resetMs);
  }
  return headers;
}

/** The 429 for the charge that did not fit, in OpenAI's words, with the wait and the headers. */
export function describeRefusal(windows: readonly TakenWindow[], refused: number, charge: Charge): GatewayError {
  const window = windows[refused]!;
  const headers = rateLimitHeaders(windows);
  if (charge.kind === "lease") {
    return new GatewayError(
      "rate_limit_exceeded",
      `Too many concurrent requests on ${window.owner}: Limit ${charge.limit}, in flight ${window.used}. Please try again when one has finished.`,
      { type: "requests", retryAfterSeconds: 1, headers },
    );
  }
  const tokens = isTokens(charge);
  const what = tokens ? "tokens per min (TPM)" : "requests per min (RPM)";
  const wait = formatReset(window.resetMs);
  const tooLarge = tokens && charge.cost > charge.limit;
  return new GatewayError(
    "rate_limit_exceeded",
    tooLarge
      ? `Request too large for ${what} on ${window.owner}: Limit ${charge.limit}, Requested ${charge.cost}. Make the request smaller.`
      : `Rate limit reached for ${what} on ${window.owner}: Limit ${charge.limit}, Used ${window.used}, Requested ${charge.cost}. Please try again in ${wait}.`,
    {
      type: tokens ? "tokens" : "requests",
      retryAfterSeconds: Math.max(1, Math.ceil(window.resetMs / 1_000)),
      headers: { ...headers, "retry-after-ms": String(Math.max(1, Math.ceil(window.resetMs))) },
    },
  );
}

/** The 429 `insufficient_quota` of a spent budget; it waits for the next period (none for a total budget). */
export function budgetRefusal(keyName: string, period: string, budget: number, resetInMs: number | null): GatewayError {
  return new GatewayError(
    "insufficient_quota",
    `You exceeded your current quota: API key "${keyName}" has spent its ${period} budget of $${budget}.`,
    { retryAfterSeconds: resetInMs === null ? null : Math.max(1, Math.ceil(resetInMs / 1_000)) },
  );
}
