import { fail, type AttemptFailure } from "./attempt-result";
import { decodeUtf8 } from "./bytes";
import { hasKeyword, parseAnswerObject, type CompletionVerdict, type KeywordCheck } from "./completion-inspector";
import { isRecord } from "./json-shape";
import {
  StreamKeywordScanner,
  TEXT_CHANNEL,
  matchKeywords,
  recordKeywordHits,
  type CompiledKeywords,
  type TextChannel,
} from "./keywords";
import { SseDataReader, type SseEventKind, type StreamInspector } from "./sse-inspector";
import type { KeywordHitSink } from "./types";
import type { TokenUsage } from "./usage";

/*
 * The checks of chat completions, for an upstream that speaks Anthropic's Messages API:
 * an answer passes when it has text, thinking or a tool call and no failure keyword; a
 * stream commits on its first text, thinking or tool-use event and ends at `message_stop`.
 */

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** Anthropic's usage in our terms: prompt tokens include the cache reads and writes. */
export function readAnthropicUsage(value: unknown, previous: TokenUsage | null = null): TokenUsage | null {
  if (!isRecord(value)) return previous;
  const has = (name: string): boolean => typeof value[name] === "number";
  if (!has("input_tokens") && !has("output_tokens")) return previous;
  const cacheRead = has("cache_read_input_tokens")
    ? count(value.cache_read_input_tokens)
    : (previous?.cachedTokens ?? 0);
  const cacheWrite = has("cache_creation_input_tokens")
    ? count(value.cache_creation_input_tokens)
    : (previous?.cacheWriteTokens ?? 0);
  const input = has("input_tokens")
    ? count(value.input_tokens)
    : previous
      ? previous.promptTokens - previous.cachedTokens - previous.cacheWriteTokens
      : 0;
  return {
    promptTokens: input + cacheRead + cacheWrite,
    completionTokens: has("output_tokens") ? count(value.output_tokens) : (previous?.completionTokens ?? 0),
    cachedTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  };
}

function errorMessage(error: unknown): string | null {
  const message = isRecord(error) ? error.message : error;
  return typeof message === "string" ? message : null;
}

export function inspectAnthropicMessage(bytes: Uint8Array, check: KeywordCheck): CompletionVerdict | AttemptFailure {
  const parsed = parseAnswerObject(bytes, check);
  if (parsed.kind !== "object") return parsed;
  const { payload } = parsed;
  if (!Array.isArray(payload.content)) return fail("response has no content");
  let hasAnswer = false;
  let completionCharacters = 0;
  for (const block of payload.content) {
    if (!isRecord(block)) continue;
    const text = typeof block.text === "string" ? block.text : typeof block.thinking === "string" ? block.thinking : "";
    if (hasKeyword(check, text)) return fail("failure keyword in the answer");
    completionCharacters += text.length;
    if (block.type === "tool_use") {
      hasAnswer = true;
      completionCharacters += JSON.stringify(block.input ?? {}).length;
    } else if (text.length > 0 && block.type === "text") hasAnswer = true;
  }
  // A turn that stops with no content at all (end_turn after a tool result) is a real answer.
  if (!hasAnswer && !(payload.content.length === 0 && payload.stop_reason === "end_turn")) return fail("empty answer");
  const finishReason = typeof payload.stop_reason === "string" ? payload.stop_reason : null;
  return { kind: "ok", usage: readAnthropicUsage(payload.usage), completionCharacters, finishReason };
}

/** One Anthropic SSE event at a time: the same verdicts as the OpenAI inspector. */
export class AnthropicSseInspector implements StreamInspector {
  usage: TokenUsage | null = null;
  completionCharacters = 0;
  hasMeaningful = false;
  finishReason: string | null = null;
  /** The last event's parsed data, for a translator reading the same stream. */
  payload: unknown = null;
  private readonly reader = new SseDataReader();
  private readonly scanner: StreamKeywordScanner;

  constructor(
    private readonly keywords: CompiledKeywords,
    private readonly hitSink: KeywordHitSink,
    private readonly now: () => number,
  ) {
    this.scanner = new StreamKeywordScanner(keywords);
  }

  inspect(raw: Uint8Array, isUnterminated = false): SseEventKind {
    this.payload = null;
    const data = this.reader.read(raw, isUnterminated);
    if (data === null) return "other";
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return "other";
    }
    if (!isRecord(payload)) return "other";
    this.payload = payload;
    switch (payload.type) {
      case "message_start":
        this.usage = readAnthropicUsage(isRecord(payload.message) ? payload.message.usage : null, this.usage);
        return "other";
      case "content_block_start":
        return this.readBlockStart(payload.content_block);
      case "content_block_delta":
        return this.readDelta(payload.delta);
      case "message_delta":
        if (isRecord(payload.delta) && typeof payload.delta.stop_reason === "string")
          this.finishReason = payload.delta.stop_reason;
        this.usage = readAnthropicUsage(payload.usage, this.usage);
        return "other";
      case "message_stop":
        return "done";
      case "error": {
        const message = errorMessage(payload.error);
        const hits = message === null ? null : matchKeywords(this.keywords, message);
        if (hits) recordKeywordHits(this.hitSink, hits, this.now());
        return "error";
      }
      default:
        return "other";
    }
  }

  private readBlockStart(block: unknown): SseEventKind {
    if (!isRecord(block)) return "other";
    if (block.type === "tool_use" || block.type === "server_tool_use") {
      if (typeof block.name === "string") this.completionCharacters += block.name.length;
      return this.meaningful();
    }
    if (block.type === "text") return this.readText(TEXT_CHANNEL.content, block.text);
    if (block.type === "thinking") return this.readText(TEXT_CHANNEL.reasoning, block.thinking);
    return "other";
  }

  private readDelta(delta: unknown): SseEventKind {
    if (!isRecord(delta)) return "other";
    if (delta.type === "text_delta") return this.readText(TEXT_CHANNEL.content, delta.text);
    if (delta.type === "thinking_delta") return this.readText(TEXT_CHANNEL.reasoning, delta.thinking);
    if (delta.type === "input_json_delta" && typeof delta.partial_json === "string") {
      this.completionCharacters += delta.partial_json.length;
      return this.meaningful();
    }
    return "other";
  }

  private readText(channel: TextChannel, value: unknown): SseEventKind {
    if (typeof value !== "string" || value.length === 0) return "other";
    this.completionCharacters += value.length;
    const hits = this.scanner.scan(channel, value);
    if (hits) {
      recordKeywordHits(this.hitSink, hits, this.now());
      return "keyword";
    }
    return this.meaningful();
  }

  private meaningful(): SseEventKind {
    this.hasMeaningful = true;
    return "meaningful";
  }
}

/** A count_tokens answer: `{"input_tokens": n}`. */
export function inspectAnthropicCount(bytes: Uint8Array): CompletionVerdict | AttemptFailure {
  try {
    const payload: unknown = JSON.parse(decodeUtf8(bytes));
    if (isRecord(payload) && typeof payload.input_tokens === "number")
      return { kind: "ok", usage: null, completionCharacters: 0 };
  } catch {
    // Falls through to the failure.
  }
  return fail("count_tokens answer without input_tokens");
}
