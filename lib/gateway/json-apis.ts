import { z } from "zod";
import { fail, type AttemptFailure } from "./attempt-result";
import { parseAnswerObject, type CompletionVerdict, type KeywordCheck } from "./completion-inspector";
import type { Billing } from "./chat-responses";
import { decodeUtf8, encodeUtf8 } from "./bytes";
import { serializeError, toErrorResponse } from "./errors";
import { isRecord } from "./json-shape";
import { createBodyTemplate } from "./json-model-edit";
import { passthroughRoute } from "./provider-route";
import { serveIngress, type Ingress, type IngressRequest } from "./serve-request";
import { SseInspector } from "./sse-inspector";
import type { GatewayRuntime } from "./types";
import type { UpstreamOperation } from "./upstream-request";
import { readUsage } from "./usage";
import { invalidOpenAIRequest } from "./validate-chat";
import type { UpstreamWire } from "./wire";
import type { WorkKind } from "../work-kinds";

/*
 * OpenAI's JSON-only APIs: embeddings, moderations and rerank (the Cohere/Jina shape many
 * OpenAI-compatible hosts serve). Each is one request, one JSON answer: the client's body goes
 * to the group's OpenAI-compatible providers with `model` replaced, failover before the answer
 * is relayed, the answer byte for byte, usage from the provider or estimated from the input.
 */

const model = z.string({ error: "`model` must be a string naming a group." }).min(1, {
  error: "`model` must not be empty.",
});
const textOrList = (name: string) =>
  z.union(
    [
      z.string(),
      z
        .array(z.union([z.string(), z.number(), z.array(z.number())]))
        .min(1, { error: `\`${name}\` must not be empty.` }),
    ],
    { error: `\`${name}\` must be a string or an array of strings or token arrays.` },
  );

const SCHEMAS = {
  embeddings: z.looseObject({
    model,
    input: textOrList("input"),
    encoding_format: z
      .enum(["float", "base64"], { error: '`encoding_format` must be "float" or "base64".' })
      .optional(),
    dimensions: z
      .number({ error: "`dimensions` must be a positive integer." })
      .int({ error: "`dimensions` must be a positive integer." })
      .positive({ error: "`dimensions` must be a positive integer." })
      .optional(),
  }),
  moderations: z.looseObject({
    model,
    input: z.union([z.string(), z.array(z.unknown()).min(1)], {
      error: "`input` must be a string or a non-empty array.",
    }),
  }),
  images: z.looseObject({
    model,
    prompt: z.string({ error: "`prompt` must be a string." }).min(1, { error: "`prompt` must not be empty." }),
    n: z
      .number({ error: "`n` must be an integer from 1 to 10." })
      .int({ error: "`n` must be an integer from 1 to 10." })
      .min(1, { error: "`n` must be an integer from 1 to 10." })
      .max(10, { error: "`n` must be an integer from 1 to 10." })
      .nullable()
      .optional(),
  }),
  rerank: z.looseObject({
    model,
    query: z.string({ error: "`query` must be a string." }),
    documents: z
      .array(z.unknown(), { error: "`documents` must be an array." })
      .min(1, { error: "`documents` must not be empty." }),
  }),
} as const;

type JsonApiName = keyof typeof SCHEMAS;

/** The text of the request for a usage estimate, as one message. */
function estimateText(body: Record<string, unknown>): string {
  const parts = [body.query, body.prompt, ...(Array.isArray(body.input) ? body.input : [body.input])];
  if (Array.isArray(body.documents)) parts.push(...body.documents);
  return parts
    .map((part) => (typeof part === "string" ? part : isRecord(part) && typeof part.text === "string" ? part.text : ""))
    .join("\n");
}

/** Image answers are billed per image returned. */
export const IMAGE_BILLING: Billing = {
  unit: "image",
  count(answer) {
    if (answer === null) return 0;
    try {
      const payload: unknown = JSON.parse(decodeUtf8(answer));
      return isRecord(payload) && Array.isArray(payload.data) ? payload.data.length : 0;
    } catch {
      return 0;
    }
  },
};

function validator(name: JsonApiName): (body: Record<string, unknown>) => IngressRequest {
  return (body) => {
    const result = SCHEMAS[name].safeParse(body);
    if (!result.success) throw invalidOpenAIRequest(result.error, body);
    return {
      body,
      model: result.data.model,
      isStream: false,
      estimateMessages: [{ content: estimateText(body) }],
      ...(name === "images" ? { billing: IMAGE_BILLING } : {}),
    };
  };
}

/** What each answer must hold to count as one: the list it exists to return, not empty. */
const ANSWER_LISTS: Record<JsonApiName, string> = {
  embeddings: "data",
  moderations: "results",
  images: "data",
  rerank: "results",
};

export function answerInspector(
  name: JsonApiName,
): (bytes: Uint8Array, check: KeywordCheck) => CompletionVerdict | AttemptFailure {
  const field = ANSWER_LISTS[name];
  return (bytes, check) => {
    const parsed = parseAnswerObject(bytes, check);
    if (parsed.kind !== "object") return parsed;
    const list = parsed.payload[field];
    if (!Array.isArray(list) || (list.length === 0 && name !== "rerank")) return fail(`response has no ${field}`);
    return { kind: "ok", usage: readUsage(normalizeUsage(parsed.payload.usage)), completionCharacters: 0 };
  };
}

/**
 * Usage in chat's terms: image models report `input_tokens` / `output_tokens`, rerank hosts
 * `total_tokens` alone (all of it input).
 */
function normalizeUsage(usage: unknown): unknown {
  if (!isRecord(usage) || typeof usage.prompt_tokens === "number") return usage;
  if (typeof usage.input_tokens === "number")
    return { ...usage, prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens ?? 0 };
  if (typeof usage.total_tokens === "number") return { ...usage, prompt_tokens: usage.total_tokens };
  return usage;
}

function jsonWire(name: JsonApiName): UpstreamWire {
  return {
    protocol: "openai",
    operation: name satisfies UpstreamOperation,
    inspectJson: answerInspector(name),
    // These APIs never stream; the request is validated with `isStream: false`.
    createInspector: (keywords, hitSink, now) => new SseInspector(keywords, hitSink, now),
  };
}

/** The kind of work each API is. */
const KINDS: Record<JsonApiName, WorkKind> = {
  embeddings: "embeddings",
  moderations: "moderation",
  images: "images",
  rerank: "rerank",
};

function jsonIngress(name: JsonApiName): Ingress<IngressRequest> {
  const wire = jsonWire(name);
  return {
    api: name,
    kinds: [KINDS[name]],
    validate: validator(name),
    renderError: toErrorResponse,
    renderErrorEvent: (error) => encodeUtf8(`data: ${serializeError(error)}\n\n`),
    routeFor(_parsed, text) {
      const template = createBodyTemplate(text, false);
      // Anthropic has none of these APIs: its endpoints are left out.
      return (provider) =>
        provider.protocol === "openai"
          ? passthroughRoute(wire, template.render(provider.upstreamModel, false), false)
          : null;
    },
  };
}

const EMBEDDINGS = jsonIngress("embeddings");
const MODERATIONS = jsonIngress("moderations");
const RERANK = jsonIngress("rerank");
const IMAGES = jsonIngress("images");

/** POST /v1/embeddings. */
export function handleEmbeddings(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, EMBEDDINGS);
}

/** POST /v1/moderations. */
export function handleModerations(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, MODERATIONS);
}

/** POST /v1/images/generations. */
export function handleImageGenerations(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, IMAGES);
}

/** POST /v1/rerank: the path Jina, vLLM and most OpenAI-compatible hosts serve. */
export function handleRerank(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, RERANK);
}
