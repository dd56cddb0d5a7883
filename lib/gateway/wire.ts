import type { EndpointProtocol } from "../../db/schema";
import { AnthropicSseInspector, inspectAnthropicMessage } from "./anthropic-inspector";
import type { AttemptFailure } from "./attempt-result";
import { inspectCompletion, type CompletionVerdict, type KeywordCheck } from "./completion-inspector";
import type { CompiledKeywords } from "./keywords";
import { SseInspector, type StreamInspector } from "./sse-inspector";
import type { KeywordHitSink } from "./types";
import type { UpstreamOperation } from "./upstream-request";

export type { EndpointProtocol } from "../../db/schema";

/** How one attempt talks to an upstream of a given protocol: where it asks, and how answers are checked. */
export interface UpstreamWire {
  protocol: EndpointProtocol;
  operation: UpstreamOperation;
  inspectJson(bytes: Uint8Array, check: KeywordCheck): CompletionVerdict | AttemptFailure;
  createInspector(keywords: CompiledKeywords, hitSink: KeywordHitSink, now: () => number): StreamInspector;
}

export const OPENAI_CHAT_WIRE: UpstreamWire = {
  protocol: "openai",
  operation: "chat",
  inspectJson: inspectCompletion,
  createInspector: (keywords, hitSink, now) => new SseInspector(keywords, hitSink, now),
};

export const ANTHROPIC_MESSAGES_WIRE: UpstreamWire = {
  protocol: "anthropic",
  operation: "messages",
  inspectJson: inspectAnthropicMessage,
  createInspector: (keywords, hitSink, now) => new AnthropicSseInspector(keywords, hitSink, now),
};

/** The generation wire of an endpoint's protocol. */
export function generationWire(protocol: EndpointProtocol): UpstreamWire {
  return protocol === "anthropic" ? ANTHROPIC_MESSAGES_WIRE : OPENAI_CHAT_WIRE;
}
