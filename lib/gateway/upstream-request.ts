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

/** What the gateway asks an upstream for; the path depends on the protocol its endpoint speaks. */
export type UpstreamOperation =
  | "chat"
  | "completions"
  | "responses"
  | "messages"
  | "count_tokens"
  | "embeddings"
  | "moderations"
  | "rerank"
  | "images"
  | "image_edits"
  | "transcriptions"
  | "translations"
  | "speech";

/** The path of each OpenAI-compatible operation below the endpoint's base URL (which ends in `/v1`). */
const OPENAI_PATHS: Readonly<Record<UpstreamOperation, string>> = {
  chat: "/chat/completions",
  completions: "/completions",
  responses: "/responses",
  // Anthropic's own operations: an OpenAI endpoint gets them only translated to chat.
  messages: "/chat/completions",
  count_tokens: "/chat/completions",
  embeddings: "/embeddings",
  moderations: "/moderations",
  images: "/images/generations",
  image_edits: "/images/edits",
  transcriptions: "/audio/transcriptions",
  translations: "/audio/translations",
  speech: "/audio/speech",
  rerank: "/rerank",
};

// The Messages API version sent when the client named none (Claude Code and the SDK always do).
export const DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

function trimSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}

/** An Anthropic base URL may be given with or without its `/v1` (`https://api.anthropic.com[/v1]`). */
function anthropicRoot(baseUrl: string): string {
  const root = trimSlash(baseUrl);
  return root.endsWith("/v1") ? root.slice(0, -3) : root;
}

export function upstreamUrl(
  provider: Pick<ProviderConfig, "baseUrl" | "protocol">,
  operation: UpstreamOperation,
): string {
  if (provider.protocol === "anthropic") {
    const path = operation === "count_tokens" ? "/v1/messages/count_tokens" : "/v1/messages";
    return anthropicRoot(provider.baseUrl) + path;
  }
  return trimSlash(provider.baseUrl) + OPENAI_PATHS[operation];
}

/** The credential headers of an endpoint, in the form its protocol expects. */
export function credentialHeaders(
  provider: Pick<ProviderConfig, "apiKey" | "protocol">,
  forwarded: Readonly<Record<string, string>> = {},
): Record<string, string> {
  if (provider.protocol === "anthropic") {
    return {
      "x-api-key": provider.apiKey,
      "anthropic-version": forwarded["anthropic-version"] ?? DEFAULT_ANTHROPIC_VERSION,
    };
  }
  return { authorization: `Bearer ${provider.apiKey}` };
}

/**
 * Where the call goes and what credentials it carries come only from the provider's
 * configuration; the client's headers contribute only what the endpoint's forwarding rule
 * lets through (`forwarded`), and the provider's own headers win over them.
 */
export function buildUpstreamRequest(
  provider: ProviderConfig,
  body: string | Uint8Array,
  isStream: boolean,
  connectTimeoutMs: number,
  signal: AbortSignal,
  forwarded: Readonly<Record<string, string>> = {},
  operation: UpstreamOperation = "chat",
  contentType = "application/json",
): UpstreamRequest {
  return {
    url: upstreamUrl(provider, operation),
    method: "POST",
    headers: {
      ...forwarded,
      ...credentialHeaders(provider, forwarded),
      "content-type": contentType,
      // Speech answers are audio; everything else JSON or, streamed, events.
      accept: isStream ? "text/event-stream" : operation === "speech" ? "*/*" : "application/json",
      ...allowedExtraHeaders(provider.extraHeaders),
    },
    body,
    connectTimeoutMs,
    signal,
  };
}
