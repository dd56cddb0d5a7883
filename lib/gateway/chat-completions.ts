import { encodeUtf8 } from "./bytes";
import { serializeError, toErrorResponse } from "./errors";
import { createBodyTemplate } from "./json-model-edit";
import { passthroughRoute, type ProviderRoute } from "./provider-route";
import { serveIngress, type Ingress } from "./serve-request";
import type { GatewayRuntime, ProviderConfig, TrustedCaller } from "./types";
import { validateChatRequest, type ChatRequest } from "./validate-chat";
import { OPENAI_CHAT_WIRE } from "./wire";

const CHAT_INGRESS: Ingress<ChatRequest> = {
  api: "chat.completions",
  validate: validateChatRequest,
  renderError: toErrorResponse,
  renderErrorEvent: (error) => encodeUtf8(`data: ${serializeError(error)}\n\n`),
  routeFor(chat, text) {
    const template = createBodyTemplate(text, chat.isStream);
    // Chat completions → an Anthropic endpoint is not translated yet: such members are left out.
    return (provider: ProviderConfig): ProviderRoute | null => {
      if (provider.protocol !== "openai") return null;
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
