import { encodeOpenAICompletion, OpenAIStreamEncoder } from "../translate/openai-answer-encode";
import { decodeOpenAIRequest } from "../translate/openai-request-decode";
import { anthropicErrorToOpenAI } from "./anthropic-errors";
import { encodeUtf8 } from "./bytes";
import { serializeError, toErrorResponse } from "./errors";
import { createBodyTemplate } from "./json-model-edit";
import { passthroughRoute, type ProviderRoute } from "./provider-route";
import { translatedRoute, type ClientEncoding } from "./translated-route";
import { serveIngress, type Ingress } from "./serve-request";
import type { GatewayRuntime, ProviderConfig, TrustedCaller } from "./types";
import { validateChatRequest, type ChatRequest } from "./validate-chat";
import { OPENAI_CHAT_WIRE } from "./wire";

/** Chat completions → an Anthropic endpoint: translated through the neutral form, both ways. */
function anthropicRoute(chat: ChatRequest, receivedAt: number): ((provider: ProviderConfig) => ProviderRoute) | null {
  // Anthropic answers with one choice: a request for several cannot be translated faithfully.
  if (typeof chat.body.n === "number" && chat.body.n > 1) return null;
  const neutral = decodeOpenAIRequest(chat.body);
  const created = Math.floor(receivedAt / 1000);
  const client: ClientEncoding = {
    encodeAnswer: (answer) => encodeOpenAICompletion(answer, created),
    createStreamEncoder: (provider) => new OpenAIStreamEncoder(provider.upstreamModel, created, chat.wantsUsage),
    fromOpenAIError: null,
    fromAnthropicError: anthropicErrorToOpenAI,
  };
  return (provider) => translatedRoute(neutral, provider, client);
}

const CHAT_INGRESS: Ingress<ChatRequest> = {
  api: "chat.completions",
  kinds: ["chat"],
  validate: validateChatRequest,
  renderError: toErrorResponse,
  renderErrorEvent: (error) => encodeUtf8(`data: ${serializeError(error)}\n\n`),
  routeFor(chat, text, receivedAt) {
    const template = createBodyTemplate(text, chat.isStream);
    let translated: ((provider: ProviderConfig) => ProviderRoute) | null | undefined;
    return (provider: ProviderConfig): ProviderRoute | null => {
      if (provider.protocol === "anthropic") {
        if (translated === undefined) translated = anthropicRoute(chat, receivedAt);
        return translated ? translated(provider) : null;
      }
      return passthroughRoute(
        OPENAI_CHAT_WIRE,
        template.render(provider.upstreamModel, provider.streamUsage),
        chat.wantsUsage,
      );
    };
  },
};

/**
 * POST /v1/chat/completions. Every response carries `x-request-id`, and every request,
 * rejected ones included, leaves exactly one log row.
 */
export function handleChatCompletions(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, CHAT_INGRESS);
}

/**
 * The same path (validation, routing, breakers, failover, keywords, one log row) for a
 * trusted in-process caller, without a key and with every group. Only the dashboard
 * playground calls it, after checking the admin session; `/v1` always goes through
 * `handleChatCompletions`, which requires a key.
 */
export function handleChatCompletionsAs(
  request: Request,
  runtime: GatewayRuntime,
  caller: TrustedCaller,
): Promise<Response> {
  return serveIngress(request, runtime, caller, CHAT_INGRESS);
}
