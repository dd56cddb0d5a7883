import { z } from "zod";
import type { NeutralRequest } from "../translate/neutral";
import { encodeResponse, ResponsesStreamEncoder, type ResponseEcho } from "../translate/responses-answer";
import { decodeResponsesRequest } from "../translate/responses-request";
import { anthropicErrorToOpenAI } from "./anthropic-errors";
import { encodeUtf8 } from "./bytes";
import { GatewayError, toErrorResponse } from "./errors";
import { isRecord } from "./json-shape";
import type { ProviderRoute } from "./provider-route";
import { translatedRoute, type ClientEncoding } from "./translated-route";
import { serveIngress, type Ingress, type IngressRequest } from "./serve-request";
import type { GatewayRuntime, ProviderConfig } from "./types";
import { invalidOpenAIRequest } from "./validate-chat";

/*
 * POST /v1/responses, OpenAI's Responses API (Codex's default wire), served by translation
 * through the neutral form to whatever the group's providers speak: chat completions or
 * Anthropic Messages. Nothing is stored, so `previous_response_id` is refused and every request
 * carries its whole conversation in `input` (Codex sends `store: false` and does exactly that).
 */

const schema = z.looseObject({
  model: z
    .string({ error: "`model` must be a string naming a group." })
    .min(1, { error: "`model` must not be empty." }),
  input: z.union([z.string(), z.array(z.custom<Record<string, unknown>>(isRecord))], {
    error: "`input` must be a string or an array of input items.",
  }),
  instructions: z.string({ error: "`instructions` must be a string." }).nullable().optional(),
  stream: z.boolean({ error: "`stream` must be a boolean." }).nullable().optional(),
  max_output_tokens: z
    .number({ error: "`max_output_tokens` must be a positive integer." })
    .int({ error: "`max_output_tokens` must be a positive integer." })
    .positive({ error: "`max_output_tokens` must be a positive integer." })
    .nullable()
    .optional(),
  tools: z
    .array(z.custom<Record<string, unknown>>(isRecord), { error: "`tools` must be an array of tools." })
    .optional(),
});

interface ResponsesRequest extends IngressRequest {
  neutral: NeutralRequest;
  echo: ResponseEcho;
}

function validateResponsesRequest(body: Record<string, unknown>): ResponsesRequest {
  const result = schema.safeParse(body);
  if (!result.success) throw invalidOpenAIRequest(result.error, body);
  if (body.previous_response_id !== undefined && body.previous_response_id !== null)
    throw new GatewayError(
      "invalid_request",
      "`previous_response_id` is not supported: this gateway stores no responses. Send the whole conversation in `input` (with `store: false`).",
      { param: "previous_response_id" },
    );
  const neutral = decodeResponsesRequest(body);
  return {
    body,
    model: result.data.model,
    isStream: result.data.stream === true,
    estimateMessages: neutral.options.prompt.map((message) => ({ content: JSON.stringify(message.content) })),
    neutral,
    echo: {
      instructions: body.instructions ?? null,
      tools: Array.isArray(body.tools) ? body.tools : [],
      tool_choice: body.tool_choice ?? "auto",
      parallel_tool_calls: body.parallel_tool_calls ?? true,
      temperature: body.temperature ?? null,
      top_p: body.top_p ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      text: body.text ?? { format: { type: "text" } },
      reasoning: body.reasoning ?? { effort: null, summary: null },
      store: false,
      metadata: body.metadata ?? {},
      user: body.user ?? null,
    },
  };
}

function routeTo(request: ResponsesRequest, receivedAt: number): (provider: ProviderConfig) => ProviderRoute {
  const created = Math.floor(receivedAt / 1000);
  const client: ClientEncoding = {
    encodeAnswer: (answer) => encodeResponse(answer, created, request.echo),
    createStreamEncoder: (provider) => new ResponsesStreamEncoder(provider.upstreamModel, created, request.echo),
    // A chat provider's 4xx is already in OpenAI's shape.
    fromOpenAIError: null,
    fromAnthropicError: anthropicErrorToOpenAI,
  };
  return (provider) => translatedRoute(request.neutral, provider, client);
}

/** A failure after the stream began, as the Responses API's `error` event (the SDK throws on it). */
function errorEvent(error: GatewayError): Uint8Array {
  const data = {
    type: "error",
    code: error.code,
    message: error.message,
    param: error.param,
    error: { message: error.message, type: error.type, code: error.code, param: error.param },
  };
  return encodeUtf8(`event: error\ndata: ${JSON.stringify(data)}\n\n`);
}

const RESPONSES_INGRESS: Ingress<ResponsesRequest> = {
  api: "responses",
  validate: validateResponsesRequest,
  renderError: toErrorResponse,
  renderErrorEvent: errorEvent,
  routeFor: (request, _text, receivedAt) => routeTo(request, receivedAt),
};

/** POST /v1/responses. */
export function handleResponses(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, RESPONSES_INGRESS);
}
