import type { Settings } from "../../db/settings-schema";
import type { AttemptTimeouts } from "./attempt-control";
import type { ProviderConfig, UpstreamRequest } from "./types";

export function resolveTimeouts(provider: ProviderConfig, settings: Settings): AttemptTimeouts {
  return {
    connectMs: provider.connectTimeoutMs ?? settings.connectTimeoutMs,
    firstTokenMs: provider.firstTokenTimeoutMs ?? settings.firstTokenTimeoutMs,
    totalMs: provider.totalTimeoutMs ?? settings.totalTimeoutMs,
  };
}

// Headers an operator may not set per provider: they would break framing, the byte-exact
// relay (a compressed answer) or the connection pool.
const RESERVED_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "accept-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-connection",
]);

const allowedHeadersCache = new WeakMap<Readonly<Record<string, string>>, Record<string, string>>();

function allowedExtraHeaders(extra: Readonly<Record<string, string>>): Record<string, string> {
  let allowed = allowedHeadersCache.get(extra);
  if (!allowed) {
    allowed = Object.fromEntries(Object.entries(extra).filter(([name]) => !RESERVED_HEADERS.has(name.toLowerCase())));
    allowedHeadersCache.set(extra, allowed);
  }
  return allowed;
}

/**
 * Where the call goes and what credentials it carries come only from the provider's
 * configuration; the client's headers contribute only what the endpoint's forwarding rule
 * lets through (`forwarded`), and the provider's own headers win over them.
 */
export function buildUpstreamRequest(
  provider: ProviderConfig,
  body: string,
  isStream: boolean,
  connectTimeoutMs: number,
  signal: AbortSignal,
  forwarded: Readonly<Record<string, string>> = {},
): UpstreamRequest {
  return {
    url: `${provider.baseUrl.endsWith("/") ? provider.baseUrl.slice(0, -1) : provider.baseUrl}/chat/completions`,
    method: "POST",
    headers: {
      ...forwarded,
      authorization: `Bearer ${provider.apiKey}`,
      "content-type": "application/json",
      accept: isStream ? "text/event-stream" : "application/json",
      ...allowedExtraHeaders(provider.extraHeaders),
    },
    body,
    connectTimeoutMs,
    signal,
  };
}
