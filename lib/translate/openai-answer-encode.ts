import type { NeutralAnswer, NeutralFinishReason, NeutralStreamPart, NeutralUsage, StreamEncoder } from "./neutral";

/* Neutral form → OpenAI chat completions answers (JSON, and `chat.completion.chunk` events). */

type Json = Record<string, unknown>;

const FINISH_REASONS: Record<NeutralFinishReason["unified"], string> = {
  stop: "stop",
  length: "length",
  "tool-calls": "tool_calls",
  "content-filter": "content_filter",
  error: "stop",
  other: "stop",
};

/** OpenAI counts cached tokens inside `prompt_tokens`; cache writes have no field of their own. */
export function encodeOpenAIUsage(usage: NeutralUsage): Json {
  const input = usage.inputTokens.total ?? 0;
  const output = usage.outputTokens.total ?? 0;
  const encoded: Json = {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: usage.inputTokens.cacheRead ?? 0 },
  };
  if (usage.outputTokens.reasoning !== undefined)
    encoded.completion_tokens_details = { reasoning_tokens: usage.outputTokens.reasoning };
  return encoded;
}

export function completionId(upstreamId: string | undefined): string {
  return upstreamId && upstreamId.startsWith("chatcmpl-")
    ? upstreamId
    : `chatcmpl-${upstreamId || Date.now().toString(36)}`;
}

export function encodeOpenAICompletion(answer: NeutralAnswer, created: number): string {
  let text = "";
  let reasoning = "";
  const toolCalls: Json[] = [];
  for (const part of answer.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "reasoning") reasoning += part.text;
    else if (part.type === "tool-call")
      toolCalls.push({
        id: part.toolCallId,
        type: "function",
        function: { name: part.toolName, arguments: part.input },
      });
  }
  const message: Json = { role: "assistant", content: text.length > 0 || toolCalls.length === 0 ? text : null };
  if (reasoning.length > 0) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return JSON.stringify({
    id: completionId(answer.id),
    object: "chat.completion",
    created,
    model: answer.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: FINISH_REASONS[answer.finishReason.unified] }],
    usage: encodeOpenAIUsage(answer.usage),
  });
}

/**
 * Neutral stream parts → `chat.completion.chunk` events and `[DONE]`: a first chunk with the
 * role, then content / reasoning_content / tool_calls deltas (tools numbered in the order they
 * start), a chunk with the finish reason, and the usage chunk when the client asked for it.
 */
export class OpenAIStreamEncoder implements StreamEncoder {
  private id = completionId(undefined);
  private model: string;
  private started = false;
  private readonly toolIndexes = new Map<string, number>();

  constructor(
    fallbackModel: string,
    private readonly created: number,
    private readonly wantsUsage: boolean,
  ) {
    this.model = fallbackModel;
  }

  encode(part: NeutralStreamPart): string {
    switch (part.type) {
      case "response-metadata":
        if (!this.started) {
          if (part.id) this.id = completionId(part.id);
          if (part.modelId) this.model = part.modelId;
        }
        return this.start();
      case "text-delta":
        return this.start() + this.chunk({ content: part.delta });
      case "reasoning-delta":
        return this.start() + this.chunk({ reasoning_content: part.delta });
      case "tool-input-start": {
        const index = this.toolIndexes.size;
        this.toolIndexes.set(part.id, index);
        const call = { index, id: part.id, type: "function", function: { name: part.toolName, arguments: "" } };
        return this.start() + this.chunk({ tool_calls: [call] });
      }
      case "tool-input-delta": {
        const index = this.toolIndexes.get(part.id);
        if (index === undefined) return "";
        return this.chunk({ tool_calls: [{ index, function: { arguments: part.delta } }] });
      }
      case "finish": {
        let text = this.start() + this.chunk({}, FINISH_REASONS[part.finishReason.unified]);
        if (this.wantsUsage) text += this.data({ choices: [], usage: encodeOpenAIUsage(part.usage) });
        return `${text}data: [DONE]\n\n`;
      }
      case "error":
        return `data: ${JSON.stringify({ error: { message: String(part.error), type: "upstream_error" } })}\n\n`;
      default:
        return "";
    }
  }

  private start(): string {
    if (this.started) return "";
    this.started = true;
    return this.chunk({ role: "assistant", content: "" });
  }

  private chunk(delta: Json, finishReason: string | null = null): string {
    return this.data({ choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  }

  private data(fields: Json): string {
    const chunk = { id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, ...fields };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}
