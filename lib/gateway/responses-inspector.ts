import { fail, type AttemptFailure } from "./attempt-result";
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
import type { UpstreamWire } from "./wire";

/*
 * The checks of chat completions for an upstream that serves the Responses API itself
 * (passthrough): an answer passes when its output holds text, reasoning or a function call and
 * no failure keyword; a stream commits on its first text, reasoning or function-call event and
 * ends at `response.completed` (or `response.incomplete`).
 */

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** The Responses API's usage in our terms. */
export function readResponsesUsage(value: unknown): TokenUsage | null {
  if (!isRecord(value) || (typeof value.input_tokens !== "number" && typeof value.output_tokens !== "number"))
    return null;
  const promptTokens = count(value.input_tokens);
  const details = value.input_tokens_details;
  return {
    promptTokens,
    completionTokens: count(value.output_tokens),
    cachedTokens: Math.min(promptTokens, isRecord(details) ? count(details.cached_tokens) : 0),
    cacheWriteTokens: 0,
  };
}

/** Text of one output item: message parts, reasoning summaries, function-call arguments. */
function itemText(item: Record<string, unknown>): string {
  if (item.type === "function_call") return `${String(item.name ?? "")}${String(item.arguments ?? "")}`;
  const parts = Array.isArray(item.content) ? item.content : Array.isArray(item.summary) ? item.summary : [];
  let text = "";
  for (const part of parts) {
    if (!isRecord(part)) continue;
    if (typeof part.text === "string") text += part.text;
    else if (typeof part.refusal === "string") text += part.refusal;
  }
  return text;
}

export function inspectResponseObject(bytes: Uint8Array, check: KeywordCheck): CompletionVerdict | AttemptFailure {
  const parsed = parseAnswerObject(bytes, check);
  if (parsed.kind !== "object") return parsed;
  const { payload } = parsed;
  if (payload.status === "failed") return fail("response failed");
  if (!Array.isArray(payload.output)) return fail("response has no output");
  let completionCharacters = 0;
  let hasAnswer = false;
  for (const item of payload.output) {
    if (!isRecord(item)) continue;
    const text = itemText(item);
    if (item.type !== "function_call" && hasKeyword(check, text)) return fail("failure keyword in the answer");
    completionCharacters += text.length;
    if (text.length > 0 || item.type === "function_call") hasAnswer = true;
  }
  if (!hasAnswer) return fail("empty answer");
  const finishReason = typeof payload.status === "string" ? payload.status : null;
  return { kind: "ok", usage: readResponsesUsage(payload.usage), completionCharacters, finishReason };
}

const TEXT_EVENTS: Readonly<Record<string, TextChannel>> = {
  "response.output_text.delta": TEXT_CHANNEL.content,
  "response.refusal.delta": TEXT_CHANNEL.refusal,
  "response.reasoning_text.delta": TEXT_CHANNEL.reasoning,
  "response.reasoning_summary_text.delta": TEXT_CHANNEL.reasoning,
};

/** One Responses API event at a time: the same verdicts as the chat inspector. */
export class ResponsesSseInspector implements StreamInspector {
  usage: TokenUsage | null = null;
  completionCharacters = 0;
  hasMeaningful = false;
  finishReason: string | null = null;
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
    if (!isRecord(payload) || typeof payload.type !== "string") return "other";
    this.payload = payload;
    const channel = TEXT_EVENTS[payload.type];
    if (channel !== undefined) return this.readText(channel, payload.delta);
    switch (payload.type) {
      case "response.function_call_arguments.delta":
        if (typeof payload.delta === "string") this.completionCharacters += payload.delta.length;
        return this.meaningful();
      case "response.output_item.added":
        if (isRecord(payload.item) && payload.item.type === "function_call") {
          this.completionCharacters += String(payload.item.name ?? "").length;
          return this.meaningful();
        }
        return "other";
      case "response.completed":
      case "response.incomplete":
        this.finishReason = payload.type === "response.completed" ? "completed" : "incomplete";
        if (isRecord(payload.response)) this.usage = readResponsesUsage(payload.response.usage) ?? this.usage;
        return "done";
      case "response.failed":
      case "error":
        this.checkErrorText(isRecord(payload.response) ? payload.response.error : (payload.error ?? payload));
        return "error";
      default:
        return "other";
    }
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

  private checkErrorText(error: unknown): void {
    const message = isRecord(error) ? error.message : error;
    if (typeof message !== "string") return;
    const hits = matchKeywords(this.keywords, message);
    if (hits) recordKeywordHits(this.hitSink, hits, this.now());
  }
}

export const OPENAI_RESPONSES_WIRE: UpstreamWire = {
  protocol: "openai",
  operation: "responses",
  inspectJson: inspectResponseObject,
  createInspector: (keywords, hitSink, now) => new ResponsesSseInspector(keywords, hitSink, now),
};
