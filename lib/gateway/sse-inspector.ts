import { createParser, type EventSourceParser } from "eventsource-parser";
import { decodeUtf8 } from "./bytes";
import {
  StreamKeywordScanner,
  TEXT_CHANNEL,
  matchKeywords,
  recordKeywordHits,
  type CompiledKeywords,
  type TextChannel,
} from "./keywords";
import type { KeywordHitSink } from "./types";
import { isRecord } from "./json-shape";
import { countToolCallCharacters, readUsage, type TokenUsage } from "./usage";

/**
 * What one SSE event means to the relay:
 * - meaningful: a delta with content, reasoning, refusal or tool calls (commits a stream);
 * - usage_only: `choices: []` plus usage (dropped unless the client asked for it);
 * - done: `data: [DONE]`; error: an in-band `{"error":…}`; keyword: a failure keyword hit;
 * - other: role-only deltas, comments, anything else (forwarded as is).
 */
export type SseEventKind = "other" | "meaningful" | "usage_only" | "done" | "error" | "keyword";

const CR = 13;

/** What the relay needs from a stream's inspector, whatever protocol the upstream speaks. */
export interface StreamInspector {
  usage: TokenUsage | null;
  completionCharacters: number;
  hasMeaningful: boolean;
  /** The answer's finish reason (`stop`, `length`, `tool_calls`, Anthropic's `end_turn`…) once seen. */
  finishReason: string | null;
  /** The last inspected event's parsed JSON data (null when it had none), for a translator. */
  payload: unknown;
  inspect(raw: Uint8Array, isUnterminated?: boolean): SseEventKind;
}

/**
 * The `data` field of one raw SSE event (eventsource-parser), or null when it has none. Every
 * protocol's inspector reads its events through one of these.
 */
export class SseDataReader {
  private data: string | null = null;
  private readonly parser: EventSourceParser = createParser({
    onEvent: (event) => {
      this.data = event.data;
    },
  });

  /** `isUnterminated`: the stream ended inside this event, so close it for the parser. */
  read(raw: Uint8Array, isUnterminated: boolean): string | null {
    this.data = null;
    const text = decodeUtf8(raw);
    // The parser holds back a trailing CR (it might start a CRLF); an LF completes it.
    this.parser.feed(isUnterminated ? `${text}\n\n` : raw[raw.length - 1] === CR ? `${text}\n` : text);
    return this.data;
  }
}

/**
 * Reads each raw event once (decode, eventsource-parser for the data field, JSON.parse) and
 * keeps the running state a stream needs: usage, answer size for estimates, finish seen.
 */
export class SseInspector implements StreamInspector {
  usage: TokenUsage | null = null;
  payload: unknown = null;
  completionCharacters = 0;
  hasMeaningful = false;
  finishReason: string | null = null;
  private readonly reader = new SseDataReader();
  private readonly scanner: StreamKeywordScanner;

  constructor(
    private readonly keywords: CompiledKeywords,
    private readonly hitSink: KeywordHitSink,
    private readonly now: () => number,
  ) {
    this.scanner = new StreamKeywordScanner(keywords);
  }

  /** `isUnterminated`: the stream ended inside this event, so close it for the parser. */
  inspect(raw: Uint8Array, isUnterminated = false): SseEventKind {
    this.payload = null;
    const data = this.reader.read(raw, isUnterminated);
    if (data === null) return "other";
    // 91 is "[": only then is the slower trimmed comparison worth making.
    if (data === "[DONE]" || (data.charCodeAt(0) === 91 && data.trim() === "[DONE]")) return "done";
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return "other";
    }
    if (!isRecord(payload)) return "other";
    this.payload = payload;
    if (payload.error !== undefined && payload.error !== null) {
      this.checkErrorText(payload.error);
      return "error";
    }
    const usage = readUsage(payload.usage);
    if (usage) this.usage = usage;
    const choices = payload.choices;
    if (!Array.isArray(choices)) return "other";
    if (choices.length === 0) return usage ? "usage_only" : "other";
    let isMeaningful = false;
    for (const choice of choices) {
      if (!isRecord(choice)) continue;
      if (typeof choice.finish_reason === "string") this.finishReason = choice.finish_reason;
      // Legacy completions stream `choices[].text` where chat streams `choices[].delta`.
      const delta = isRecord(choice.delta)
        ? choice.delta
        : typeof choice.text === "string"
          ? { content: choice.text }
          : null;
      if (delta === null) continue;
      const verdict = this.readDelta(delta);
      if (verdict === "keyword") return "keyword";
      if (verdict === "meaningful") isMeaningful = true;
    }
    if (!isMeaningful) return "other";
    this.hasMeaningful = true;
    return "meaningful";
  }

  private readDelta(delta: Record<string, unknown>): "meaningful" | "keyword" | "empty" {
    const content = this.readText(TEXT_CHANNEL.content, delta.content);
    const reasoning = this.readText(TEXT_CHANNEL.reasoning, delta.reasoning_content ?? delta.reasoning);
    const refusal = this.readText(TEXT_CHANNEL.refusal, delta.refusal);
    if (content === "keyword" || reasoning === "keyword" || refusal === "keyword") return "keyword";
    let isMeaningful = content === "text" || reasoning === "text" || refusal === "text";
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) {
      isMeaningful = true;
      this.completionCharacters += countToolCallCharacters(delta.tool_calls);
    }
    if (isRecord(delta.function_call)) isMeaningful = true;
    return isMeaningful ? "meaningful" : "empty";
  }

  private readText(channel: TextChannel, value: unknown): "text" | "keyword" | "none" {
    if (typeof value !== "string" || value.length === 0) return "none";
    this.completionCharacters += value.length;
    const hits = this.scanner.scan(channel, value);
    if (!hits) return "text";
    recordKeywordHits(this.hitSink, hits, this.now());
    return "keyword";
  }

  /** An error already fails the attempt; a keyword in its message is still counted. */
  private checkErrorText(error: unknown): void {
    const message = isRecord(error) ? error.message : error;
    if (typeof message !== "string") return;
    const hits = matchKeywords(this.keywords, message);
    if (hits) recordKeywordHits(this.hitSink, hits, this.now());
  }
}
