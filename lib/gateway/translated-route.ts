import { AnthropicStreamDecoder, decodeAnthropicMessage } from "../translate/anthropic-answer-decode";
import { encodeAnthropicRequest } from "../translate/anthropic-request-encode";
import type { NeutralAnswer, NeutralRequest, StreamEncoder } from "../translate/neutral";
import { decodeOpenAICompletion, OpenAIStreamDecoder } from "../translate/openai-answer";
import { encodeOpenAIRequest } from "../translate/openai-request";
import { answerTranslator, streamTranslator, type ProviderRoute } from "./provider-route";
import type { ProviderConfig } from "./types";
import { ANTHROPIC_MESSAGES_WIRE, OPENAI_CHAT_WIRE } from "./wire";

/** How the client's protocol writes what comes back: whole answers, stream events, 4xx errors. */
export interface ClientEncoding {
  encodeAnswer(answer: NeutralAnswer): string;
  createStreamEncoder(provider: ProviderConfig): StreamEncoder;
  /** A provider's 4xx body in the client's shape; null keeps it as it is (same error shape). */
  fromOpenAIError: ((bytes: Uint8Array, status: number) => Uint8Array) | null;
  fromAnthropicError: ((bytes: Uint8Array, status: number) => Uint8Array) | null;
}

/**
 * A request in neutral form put to a provider of any protocol: the body in the provider's
 * protocol, its wire (checks), and the answer, the stream and 4xx errors back in the client's.
 * Usage events are always kept: the translation reads them.
 */
export function translatedRoute(
  neutral: NeutralRequest,
  provider: ProviderConfig,
  client: ClientEncoding,
): ProviderRoute {
  if (provider.protocol === "anthropic")
    return {
      wire: ANTHROPIC_MESSAGES_WIRE,
      body: JSON.stringify(encodeAnthropicRequest(neutral, provider.upstreamModel)),
      keepsUsageEvents: true,
      translateJson: answerTranslator(decodeAnthropicMessage, client.encodeAnswer),
      translateClientError: client.fromAnthropicError,
      createTransform: () => streamTranslator(new AnthropicStreamDecoder(), client.createStreamEncoder(provider)),
    };
  return {
    wire: OPENAI_CHAT_WIRE,
    body: JSON.stringify(encodeOpenAIRequest(neutral, provider.upstreamModel)),
    keepsUsageEvents: true,
    translateJson: answerTranslator(decodeOpenAICompletion, client.encodeAnswer),
    translateClientError: client.fromOpenAIError,
    createTransform: () => streamTranslator(new OpenAIStreamDecoder(), client.createStreamEncoder(provider)),
  };
}
