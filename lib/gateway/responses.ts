import { z } from "zod";
import type { NeutralRequest } from "../translate/neutral";
import { encodeResponse, ResponsesStreamEncoder, type ResponseEcho } from "../translate/responses-answer";
import { decodeResponsesRequest } from "../translate/responses-request";
import { anthropicErrorToOpenAI } from "./anthropic-errors";
import { encodeUtf8 } from "./bytes";
import { GatewayError, toErrorResponse } from "./errors";
import { isRecord } from "./json-shape";
import { createBodyTemplate } from "./json-model-edit";
import { passthroughRoute, type ProviderRoute } from "./provider-route";
import { OPENAI_RESPONSES_WIRE } from "./responses-inspector";
import { translatedRoute, type ClientEncoding } from "./translated-route";
import { serveIngress, type Ingress, type IngressRequest } from "./serve-request";
import type { GatewayRuntime, ProviderConfig } from "./types";
import { invalidOpenAIRequest } from "./validate-chat";

/*
 * POST /v1/responses, OpenAI's Responses API (Codex's default wire). A provider whose kinds
 * include `responses` (OpenAI's own API, Azure, any host that serves it) gets the client's bytes
 * with `model` replaced and answers byte for byte, stored responses and `previous_response_id`
 * included. Any other chat provider is served by translation through the neutral form to what
 * it speaks (chat completions or Anthropic Messages); the gateway stores nothing, so a request
 * with `previous_response_id` goes only to Responses providers, and a group without one gets a
 * clear 400. Codex sends `store: false` with its whole conversation in `input`, which works on both.
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
  /** Continues a stored response: only a provider that serves the Responses API holds it. */
  continuesStored: boolean;
}

function validateResponsesRequest(body: Record<string, unknown>): ResponsesRequest {
  const result = schema.safeParse(body);
  if (!result.success) throw invalidOpenAIRequest(result.error, body);
  const neutral = decodeResponsesRequest(body);
  return {
    body,
    model: result.data.model,
    isStream: result.data.stream === true,
    estimateMessages: neutral.options.prompt.map((message) => ({ content: JSON.stringify(message.content) })),
    neutral,
    continuesStored: typeof body.previous_response_id === "string" && body.previous_response_id !== "",
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

function routeTo(
  request: ResponsesRequest,
  text: string,
  receivedAt: number,
): (provider: ProviderConfig) => ProviderRoute | null {
  const created = Math.floor(receivedAt / 1000);
  const client: ClientEncoding = {
    encodeAnswer: (answer) => encodeResponse(answer, created, request.echo),
    createStreamEncoder: (provider) => new ResponsesStreamEncoder(provider.upstreamModel, created, request.echo),
    // A chat provider's 4xx is already in OpenAI's shape.
    fromOpenAIError: null,
    fromAnthropicError: anthropicErrorToOpenAI,
  };
  const template = createBodyTemplate(text, false);
  return (provider) => {
    if (provider.protocol === "openai" && provider.kinds.has("responses"))
      return passthroughRoute(OPENAI_RESPONSES_WIRE, template.render(provider.upstreamModel, false), true);
    if (request.continuesStored || !provider.kinds.has("chat")) return null;
    return translatedRoute(request.neutral, provider, client);
  };
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
  kinds: ["responses", "chat"],
  validate: validateResponsesRequest,
  renderError: toErrorResponse,
  renderErrorEvent: errorEvent,
  routeFor: routeTo,
  unserved: (request, groupName) =>
    request.continuesStored
      ? new GatewayError(
          "invalid_request",
          `\`previous_response_id\` needs a provider that serves the Responses API, and none of "${groupName}" does: this gateway stores no responses itself. Send the whole conversation in \`input\` (with \`store: false\`), or tick "responses" on a provider that has it.`,
          { param: "previous_response_id" },
        )
      : new GatewayError("invalid_request", `The model "${groupName}" has no provider that serves responses.`, {
          param: "model",
        }),
};

/** POST /v1/responses. */
export function handleResponses(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, RESPONSES_INGRESS);
}
