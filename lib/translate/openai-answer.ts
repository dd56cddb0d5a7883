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

/* OpenAI chat completions answers (JSON and stream chunks) → neutral form. */

const FINISH_REASONS: Record<string, NeutralFinishReason["unified"]> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  content_filter: "content-filter",
};

export function decodeOpenAIFinishReason(raw: unknown): NeutralFinishReason {
  return unifyFinishReason(FINISH_REASONS, raw);
}

export function decodeOpenAIUsage(value: unknown): NeutralUsage {
  const usage = emptyUsage();
  if (!isRecord(value)) return usage;
  const input = tokenCount(value.prompt_tokens);
  const details = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : {};
  const cacheRead = tokenCount(details.cached_tokens);
  const output = tokenCount(value.completion_tokens);
  const outDetails = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {};
  const reasoning = tokenCount(outDetails.reasoning_tokens);
  usage.inputTokens = {
    total: input,
    noCache: input !== undefined ? input - Math.min(cacheRead ?? 0, input) : undefined,
    cacheRead,
    cacheWrite: undefined,
  };
  usage.outputTokens = {
    total: output,
    text: output !== undefined ? output - Math.min(reasoning ?? 0, output) : undefined,
    reasoning,
  };
  return usage;
}

function reasoningOf(message: Record<string, unknown>): string {
  const value = message.reasoning_content ?? message.reasoning;
  return typeof value === "string" ? value : "";
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
}

export function decodeOpenAICompletion(payload: Record<string, unknown>): NeutralAnswer {
  const choice = Array.isArray(payload.choices) && isRecord(payload.choices[0]) ? payload.choices[0] : {};
  const message = isRecord(choice.message) ? choice.message : {};
  const content: LanguageModelV3Content[] = [];
  const reasoning = reasoningOf(message);
  if (reasoning.length > 0) content.push({ type: "reasoning", text: reasoning });
  const text = textOf(message.content) || (typeof message.refusal === "string" ? message.refusal : "");
  if (text.length > 0) content.push({ type: "text", text });
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : []) {
    const fn = isRecord(call.function) ? call.function : {};
    content.push({
      type: "tool-call",
      toolCallId: typeof call.id === "string" ? call.id : "",
      toolName: typeof fn.name === "string" ? fn.name : "",
      input: typeof fn.arguments === "string" && fn.arguments.length > 0 ? fn.arguments : "{}",
    });
  }
  return {
    id: typeof payload.id === "string" ? payload.id : "",
    model: typeof payload.model === "string" ? payload.model : "",
    content,
    finishReason: decodeOpenAIFinishReason(choice.finish_reason),
    usage: decodeOpenAIUsage(payload.usage),
  };
}

type OpenBlock = { kind: "text" | "reasoning"; id: string } | null;

/** Chat completion chunks → neutral stream parts, one stateful decoder per stream. */
export class OpenAIStreamDecoder implements StreamDecoder {
  private started = false;
  private open: OpenBlock = null;
  private readonly tools = new Map<number, string>();
  private finishReason: NeutralFinishReason = { unified: "other", raw: undefined };
  private usage: NeutralUsage = emptyUsage();
  private blockCount = 0;

  decode(payload: unknown): NeutralStreamPart[] {
    if (!isRecord(payload)) return [];
    const parts: NeutralStreamPart[] = [];
    if (!this.started) {
      this.started = true;
      parts.push({
        type: "response-metadata",
        id: typeof payload.id === "string" ? payload.id : undefined,
        modelId: typeof payload.model === "string" ? payload.model : undefined,
      });
    }
    if (isRecord(payload.usage)) this.usage = decodeOpenAIUsage(payload.usage);
    const choice = Array.isArray(payload.choices) && isRecord(payload.choices[0]) ? payload.choices[0] : null;
    if (!choice) return parts;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = reasoningOf(delta);
    if (reasoning.length > 0) this.emitText(parts, "reasoning", reasoning);
    const text =
      typeof delta.content === "string" ? delta.content : typeof delta.refusal === "string" ? delta.refusal : "";
    if (text.length > 0) this.emitText(parts, "text", text);
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls.filter(isRecord) : [])
      this.emitToolDelta(parts, call);
    if (typeof choice.finish_reason === "string") this.finishReason = decodeOpenAIFinishReason(choice.finish_reason);
    return parts;
  }

  end(): NeutralStreamPart[] {
    const parts: NeutralStreamPart[] = [];
    this.closeOpen(parts);
    for (const id of this.tools.values()) parts.push({ type: "tool-input-end", id });
    this.tools.clear();
    parts.push({ type: "finish", usage: this.usage, finishReason: this.finishReason });
    return parts;
  }

  private nextId(): string {
    return String(this.blockCount++);
  }

  private closeOpen(parts: NeutralStreamPart[]): void {
    if (!this.open) return;
    parts.push({ type: this.open.kind === "text" ? "text-end" : "reasoning-end", id: this.open.id });
    this.open = null;
  }

  private emitText(parts: NeutralStreamPart[], kind: "text" | "reasoning", delta: string): void {
    if (this.open?.kind !== kind) {
      this.closeOpen(parts);
      this.open = { kind, id: this.nextId() };
      parts.push({ type: kind === "text" ? "text-start" : "reasoning-start", id: this.open.id });
    }
    parts.push({ type: kind === "text" ? "text-delta" : "reasoning-delta", id: this.open.id, delta });
  }

  private emitToolDelta(parts: NeutralStreamPart[], call: Record<string, unknown>): void {
    const index = typeof call.index === "number" ? call.index : 0;
    const fn = isRecord(call.function) ? call.function : {};
    let id = this.tools.get(index);
    if (id === undefined) {
      this.closeOpen(parts);
      id = typeof call.id === "string" && call.id.length > 0 ? call.id : `call_${index}`;
      this.tools.set(index, id);
      parts.push({ type: "tool-input-start", id, toolName: typeof fn.name === "string" ? fn.name : "" });
    }
    if (typeof fn.arguments === "string" && fn.arguments.length > 0)
      parts.push({ type: "tool-input-delta", id, delta: fn.arguments });
  }
}
