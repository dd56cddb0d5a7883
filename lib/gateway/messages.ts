import { decodeAnthropicRequest } from "../translate/anthropic-request";
import { AnthropicStreamEncoder, encodeAnthropicMessage } from "../translate/anthropic-answer";
import { anthropicErrorEvent, openAIErrorToAnthropic, toAnthropicErrorResponse } from "./anthropic-errors";
import { attemptJson } from "./attempt-json";
import { authenticateRequest, resolveGroup } from "./authenticate";
import { CallLog } from "./call-log";
import { toGatewayError } from "./errors";
import { runFailover } from "./failover";
import { pickForwardedHeaders } from "./forward-headers";
import { createBodyTemplate } from "./json-model-edit";
import { compileKeywords } from "./keywords";
import { passthroughRoute, type ProviderRoute } from "./provider-route";
import { translatedRoute, type ClientEncoding } from "./translated-route";
import { readJsonBody } from "./read-body";
import { createRequestId } from "./request-id";
import { planCandidates } from "./route-plan";
import { serveIngress, type Ingress } from "./serve-request";
import type { GatewayRuntime, ProviderConfig } from "./types";
import { validateCountTokensRequest, validateMessagesRequest, type MessagesRequest } from "./validate-messages";
import { ANTHROPIC_MESSAGES_WIRE, type UpstreamWire } from "./wire";
import { inspectAnthropicCount } from "./anthropic-inspector";
import { decodeUtf8, toResponseBytes } from "./bytes";

/** Messages → an OpenAI-compatible endpoint: translated through the neutral form, both ways. */
function openAIRoute(parsed: MessagesRequest): (provider: ProviderConfig) => ProviderRoute {
  const neutral = decodeAnthropicRequest(parsed.body);
  const client: ClientEncoding = {
    encodeAnswer: encodeAnthropicMessage,
    createStreamEncoder: (provider) => new AnthropicStreamEncoder(provider.upstreamModel),
    fromOpenAIError: openAIErrorToAnthropic,
    fromAnthropicError: null,
  };
  return (provider) => translatedRoute(neutral, provider, client);
}

const MESSAGES_INGRESS: Ingress<MessagesRequest> = {
  api: "messages",
  kinds: ["chat"],
  validate: validateMessagesRequest,
  renderError: toAnthropicErrorResponse,
  renderErrorEvent: anthropicErrorEvent,
  routeFor(parsed, text) {
    // Anthropic's stream carries its usage itself: nothing is inserted into the body.
    const template = createBodyTemplate(text, false);
    let translated: ((provider: ProviderConfig) => ProviderRoute) | null = null;
    return (provider) => {
      if (provider.protocol !== "anthropic") return (translated ??= openAIRoute(parsed))(provider);
      return passthroughRoute(ANTHROPIC_MESSAGES_WIRE, template.render(provider.upstreamModel, false), true);
    };
  },
};

/** POST /v1/messages: Anthropic's Messages API; `model` names a group, as on chat completions. */
export function handleMessages(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, MESSAGES_INGRESS);
}

const COUNT_WIRE: UpstreamWire = {
  ...ANTHROPIC_MESSAGES_WIRE,
  operation: "count_tokens",
  inspectJson: inspectAnthropicCount,
};

/**
 * A tokenizer estimate of what the request's text costs (o200k; exact only on an Anthropic
 * upstream). The tokenizer's tables are tens of MB, so they load on the first estimate only.
 */
async function estimateInputTokens(body: Record<string, unknown>): Promise<number> {
  const { countTokens } = await import("gpt-tokenizer");
  const parts: unknown[] = [body.system, body.messages, body.tools];
  const text = parts
    .filter((part) => part !== undefined)
    .map((part) => JSON.stringify(part))
    .join("\n");
  return countTokens(text);
}

/**
 * POST /v1/messages/count_tokens: forwarded to the group's Anthropic providers in order; a
 * group without one (or whose Anthropic providers all fail) gets a tokenizer estimate, flagged
 * by `x-token-count-estimated: true`.
 */
export async function handleCountTokens(request: Request, runtime: GatewayRuntime): Promise<Response> {
  const receivedAt = runtime.now();
  const requestId = createRequestId();
  const snapshot = runtime.getSnapshot();
  const log = new CallLog(runtime, snapshot.settings, requestId, receivedAt);
  log.record.api = "messages.count_tokens";
  try {
    const key = authenticateRequest(request, runtime, snapshot);
    log.setKey(key);
    const body = await readJsonBody(request, runtime.maxBodyBytes);
    log.setRequestBody(body.bytes);
    const parsed = validateCountTokensRequest(body.value);
    const group = resolveGroup(snapshot, key, parsed.model);
    log.record.groupName = group.name;
    const template = createBodyTemplate(body.text, false);
    const candidates = planCandidates(snapshot, group, () => runtime.random(), runtime.providerStats).filter(
      (p) => p.protocol === "anthropic" && p.kinds.has("chat"),
    );
    const headers = { "content-type": "application/json", "x-request-id": requestId };
    if (candidates.length > 0) {
      const keywords = compileKeywords(snapshot);
      const outcome = await runFailover({
        runtime,
        settings: snapshot.settings,
        candidates,
        clientSignal: request.signal,
        log,
        attempt: (provider, signal) =>
          attemptJson({
            runtime,
            provider,
            settings: snapshot.settings,
            keywords,
            route: passthroughRoute(COUNT_WIRE, template.render(provider.upstreamModel, false), false),
            forwardedHeaders: pickForwardedHeaders(request.headers, provider.forwardHeaders),
            clientSignal: signal,
            receivedAt,
          }),
      });
      if (outcome.kind === "success" || outcome.kind === "client_error") {
        const bytes = outcome.kind === "success" ? outcome.value.bytes : outcome.body;
        log.setProvider(outcome.provider);
        log.setResponseBody(bytes);
        log.finish({
          status: outcome.status,
          error: outcome.kind === "success" ? null : decodeUtf8(bytes).slice(0, 200),
        });
        return new Response(toResponseBytes(bytes), { status: outcome.status, headers });
      }
      if (outcome.kind === "aborted") {
        log.finish({ status: 499, error: "client closed the request" });
        return new Response(null, { status: 499, headers: { "x-request-id": requestId } });
      }
    }
    const answer = JSON.stringify({ input_tokens: await estimateInputTokens(parsed.body) });
    log.finish({ status: 200 });
    return new Response(answer, { status: 200, headers: { ...headers, "x-token-count-estimated": "true" } });
  } catch (error) {
    const failure = toGatewayError(error);
    log.finish({ status: failure.status, error: failure.message });
    return toAnthropicErrorResponse(failure, requestId);
  }
}
