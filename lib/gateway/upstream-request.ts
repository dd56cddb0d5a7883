import { randomUUID } from "node:crypto";
import type { Settings } from "../settings-schema";
import type { AttemptTimeouts } from "./attempt-control";
import { isRecord } from "./json-shape";
import type { ChatRequest } from "./validate-chat";
import type { ProviderConfig, UpstreamRequest } from "./types";

export function resolveTimeouts(provider: ProviderConfig, settings: Settings): AttemptTimeouts {
  return {
    connectMs: provider.connectTimeoutMs ?? settings.connectTimeoutMs,
    firstTokenMs: provider.firstTokenTimeoutMs ?? settings.firstTokenTimeoutMs,
    totalMs: provider.totalTimeoutMs ?? settings.totalTimeoutMs,
  };
}

// Unguessable per process, so no client text can collide with it.
const MODEL_MARKER = `\u0000gateway-model-${randomUUID()}`;
const MODEL_MARKER_JSON = JSON.stringify(MODEL_MARKER);

/**
 * Serializes the client's body once per request and returns a cheap function that puts
 * each provider's upstream model in place, so a large body (images, long chats) is not
 * re-serialized on every failover. Everything but `model` (and, for streams, usage
 * reporting) is forwarded exactly as sent, unknown fields included.
 */
export function createBodyTemplate(chat: ChatRequest): (upstreamModel: string) => string {
  const body: Record<string, unknown> = { ...chat.body, model: MODEL_MARKER };
  if (chat.isStream) {
    const options = isRecord(chat.body.stream_options) ? chat.body.stream_options : {};
    body.stream_options = { ...options, include_usage: true };
  }
  const json = JSON.stringify(body);
  const at = json.indexOf(MODEL_MARKER_JSON);
  const head = json.slice(0, at);
  const tail = json.slice(at + MODEL_MARKER_JSON.length);
  return (upstreamModel) => head + JSON.stringify(upstreamModel) + tail;
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
 * The upstream call is built only from the provider's configuration: nothing from the
 * client's headers, query or body can choose where it goes or what credentials it carries.
 */
export function buildUpstreamRequest(
  provider: ProviderConfig,
  body: string,
  isStream: boolean,
  connectTimeoutMs: number,
  signal: AbortSignal,
): UpstreamRequest {
  return {
    url: `${provider.baseUrl.endsWith("/") ? provider.baseUrl.slice(0, -1) : provider.baseUrl}/chat/completions`,
    method: "POST",
    headers: {
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
