import { z } from "zod";
import { encodeUtf8 } from "./bytes";
import { serializeError, toErrorResponse } from "./errors";
import { createBodyTemplate } from "./json-model-edit";
import { passthroughRoute } from "./provider-route";
import { serveIngress, type Ingress, type IngressRequest } from "./serve-request";
import type { GatewayRuntime } from "./types";
import { invalidOpenAIRequest } from "./validate-chat";
import { OPENAI_CHAT_WIRE, type UpstreamWire } from "./wire";

/*
 * POST /v1/completions, OpenAI's legacy text completions (still what many local servers and
 * code-completion tools call): passed through to the group's OpenAI-compatible providers with
 * `model` replaced, checked and relayed like chat completions (the inspectors read
 * `choices[].text`). Anthropic endpoints have no such API and are left out.
 */

const schema = z.looseObject({
  model: z
    .string({ error: "`model` must be a string naming a group." })
    .min(1, { error: "`model` must not be empty." }),
  prompt: z.union(
    [
      z.string(),
      z.array(z.union([z.string(), z.number(), z.array(z.number())])).min(1, { error: "`prompt` must not be empty." }),
    ],
    { error: "`prompt` must be a string, an array of strings or token arrays." },
  ),
  stream: z.boolean({ error: "`stream` must be a boolean." }).nullable().optional(),
  stream_options: z
    .looseObject({ include_usage: z.boolean({ error: "`include_usage` must be a boolean." }).nullable().optional() })
    .nullable()
    .optional(),
});

interface CompletionsRequest extends IngressRequest {
  wantsUsage: boolean;
}

function validateCompletionsRequest(body: Record<string, unknown>): CompletionsRequest {
  const result = schema.safeParse(body);
  if (!result.success) throw invalidOpenAIRequest(result.error, body);
  const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
  return {
    body,
    model: result.data.model,
    isStream: result.data.stream === true,
    estimateMessages: [{ content: prompts.filter((prompt) => typeof prompt === "string").join("\n") }],
    wantsUsage: result.data.stream_options?.include_usage === true,
  };
}

const COMPLETIONS_WIRE: UpstreamWire = { ...OPENAI_CHAT_WIRE, operation: "completions" };

const COMPLETIONS_INGRESS: Ingress<CompletionsRequest> = {
  api: "completions",
  kinds: ["chat"],
  validate: validateCompletionsRequest,
  renderError: toErrorResponse,
  renderErrorEvent: (error) => encodeUtf8(`data: ${serializeError(error)}\n\n`),
  routeFor(request, text) {
    const template = createBodyTemplate(text, request.isStream);
    return (provider) =>
      provider.protocol === "openai"
        ? passthroughRoute(
            COMPLETIONS_WIRE,
            template.render(provider.upstreamModel, provider.streamUsage),
            request.wantsUsage,
          )
        : null;
  },
};

/** POST /v1/completions. */
export function handleCompletions(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, COMPLETIONS_INGRESS);
}
