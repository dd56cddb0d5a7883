import type { LanguageModelV3Content } from "@ai-sdk/provider";
import { isRecord } from "../gateway/json-shape";
import {
  emptyUsage,
  tokenCount,
  unifyFinishReason,
  type NeutralAnswer,
  type NeutralFinishReason,
  type NeutralStreamPart,
  type NeutralUsage,
  type StreamDecoder,
} from "./neutral";

/* Anthropic Messages answers (JSON, and the typed SSE events) → neutral form. */

const FINISH_REASONS: Record<string, NeutralFinishReason["unified"]> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool-calls",
  refusal: "content-filter",
};

export function decodeAnthropicStopReason(raw: unknown): NeutralFinishReason {
  return unifyFinishReason(FINISH_REASONS, raw);
}

/** Anthropic's usage, where `input_tokens` leaves out the cache reads and writes, as V3 usage. */
export function decodeAnthropicUsage(value: unknown, previous: NeutralUsage = emptyUsage()): NeutralUsage {
  if (!isRecord(value)) return previous;
  const noCache = tokenCount(value.input_tokens) ?? previous.inputTokens.noCache;
  const cacheRead = tokenCount(value.cache_read_input_tokens) ?? previous.inputTokens.cacheRead;
  const cacheWrite = tokenCount(value.cache_creation_input_tokens) ?? previous.inputTokens.cacheWrite;
  const output = tokenCount(value.output_tokens) ?? previous.outputTokens.total;
  const hasInput = noCache !== undefined || cacheRead !== undefined || cacheWrite !== undefined;
  return {
    inputTokens: {
      total: hasInput ? (noCache ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0) : undefined,
      noCache,
      cacheRead,
      cacheWrite,
    },
    outputTokens: { total: output, text: undefined, reasoning: undefined },
  };
}

export function decodeAnthropicMessage(payload: Record<string, unknown>): NeutralAnswer {
  const content: LanguageModelV3Content[] = [];
  for (const block of Array.isArray(payload.content) ? payload.content.filter(isRecord) : []) {
    if (block.type === "text" && typeof block.text === "string") content.push({ type: "text", text: block.text });
    else if (block.type === "thinking" && typeof block.thinking === "string")
      content.push({ type: "reasoning", text: block.thinking });
    else if (block.type === "tool_use" && typeof block.id === "string" && typeof block.name === "string")
      content.push({
        type: "tool-call",
        toolCallId: block.id,
        toolName: block.name,
        input: JSON.stringify(block.input ?? {}),
      });
  }
  return {
    id: typeof payload.id === "string" ? payload.id : "",
    model: typeof payload.model === "string" ? payload.model : "",
    content,
    finishReason: decodeAnthropicStopReason(payload.stop_reason),
    usage: decodeAnthropicUsage(payload.usage),
  };
}

type BlockKind = "text" | "reasoning" | "tool-input";

/** Anthropic stream events → neutral parts; blocks are known by their index. */
export class AnthropicStreamDecoder implements StreamDecoder {
  private readonly blocks = new Map<number, { kind: BlockKind; id: string }>();
  private usage: NeutralUsage = emptyUsage();
  private finishReason: NeutralFinishReason = { unified: "other", raw: undefined };

  decode(payload: unknown): NeutralStreamPart[] {
    if (!isRecord(payload)) return [];
    switch (payload.type) {
      case "message_start": {
        const message = isRecord(payload.message) ? payload.message : {};
        this.usage = decodeAnthropicUsage(message.usage, this.usage);
        return [
          {
            type: "response-metadata",
            id: typeof message.id === "string" ? message.id : undefined,
            modelId: typeof message.model === "string" ? message.model : undefined,
          },
        ];
      }
      case "content_block_start":
        return this.start(payload.index, payload.content_block);
      case "content_block_delta":
        return this.delta(payload.index, payload.delta);
      case "content_block_stop":
        return this.stop(payload.index);
      case "message_delta":
        if (isRecord(payload.delta) && typeof payload.delta.stop_reason === "string")
          this.finishReason = decodeAnthropicStopReason(payload.delta.stop_reason);
        this.usage = decodeAnthropicUsage(payload.usage, this.usage);
        return [];
      default:
        return [];
    }
  }

  end(): NeutralStreamPart[] {
    const parts: NeutralStreamPart[] = [];
    for (const index of [...this.blocks.keys()]) parts.push(...this.stop(index));
    parts.push({ type: "finish", usage: this.usage, finishReason: this.finishReason });
    return parts;
  }

  private start(rawIndex: unknown, block: unknown): NeutralStreamPart[] {
    if (typeof rawIndex !== "number" || !isRecord(block)) return [];
    const id = String(rawIndex);
    if (block.type === "tool_use" && typeof block.name === "string") {
      const callId = typeof block.id === "string" ? block.id : `toolu_${rawIndex}`;
      this.blocks.set(rawIndex, { kind: "tool-input", id: callId });
      return [{ type: "tool-input-start", id: callId, toolName: block.name }];
    }
    if (block.type === "text") {
      this.blocks.set(rawIndex, { kind: "text", id });
      const text = typeof block.text === "string" ? block.text : "";
      const parts: NeutralStreamPart[] = [{ type: "text-start", id }];
      if (text.length > 0) parts.push({ type: "text-delta", id, delta: text });
      return parts;
    }
    if (block.type === "thinking") {
      this.blocks.set(rawIndex, { kind: "reasoning", id });
      const text = typeof block.thinking === "string" ? block.thinking : "";
      const parts: NeutralStreamPart[] = [{ type: "reasoning-start", id }];
      if (text.length > 0) parts.push({ type: "reasoning-delta", id, delta: text });
      return parts;
    }
    return [];
  }

  private delta(rawIndex: unknown, delta: unknown): NeutralStreamPart[] {
    const block = typeof rawIndex === "number" ? this.blocks.get(rawIndex) : undefined;
    if (!block || !isRecord(delta)) return [];
    if (delta.type === "text_delta" && typeof delta.text === "string")
      return [{ type: "text-delta", id: block.id, delta: delta.text }];
    if (delta.type === "thinking_delta" && typeof delta.thinking === "string")
      return [{ type: "reasoning-delta", id: block.id, delta: delta.thinking }];
    if (delta.type === "input_json_delta" && typeof delta.partial_json === "string" && delta.partial_json.length > 0)
      return [{ type: "tool-input-delta", id: block.id, delta: delta.partial_json }];
    return [];
  }

  private stop(rawIndex: unknown): NeutralStreamPart[] {
    const block = typeof rawIndex === "number" ? this.blocks.get(rawIndex) : undefined;
    if (!block) return [];
    this.blocks.delete(rawIndex as number);
    const type = block.kind === "text" ? "text-end" : block.kind === "reasoning" ? "reasoning-end" : "tool-input-end";
    return [{ type, id: block.id }];
  }
}
