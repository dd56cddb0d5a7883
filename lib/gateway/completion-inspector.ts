import { decodeUtf8 } from "./bytes";
import { fail, type AttemptFailure } from "./attempt-result";
import { matchKeywords, recordKeywordHits, type CompiledKeywords } from "./keywords";
import type { KeywordHitSink } from "./types";
import { isRecord } from "./json-shape";
import { countToolCallCharacters, readUsage, type TokenUsage } from "./usage";

export interface CompletionVerdict {
  kind: "ok";
  usage: TokenUsage | null;
  completionCharacters: number;
  /** The first choice's finish reason (or the protocol's equivalent), when the answer has one. */
  finishReason?: string | null;
}

export interface KeywordCheck {
  keywords: CompiledKeywords;
  hitSink: KeywordHitSink;
  now: () => number;
}

/** Text of a message `content`: a string, or the text parts of an array. */
function readContentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (isRecord(part) && typeof part.text === "string") text += part.text;
  }
  return text;
}

/** Whether a failure keyword is in `text`; hits are counted. */
export function hasKeyword(check: KeywordCheck, text: string): boolean {
  const hits = matchKeywords(check.keywords, text);
  if (!hits) return false;
  recordKeywordHits(check.hitSink, hits, check.now());
  return true;
}

/**
 * The first checks of every 200 JSON answer, whatever its API: a JSON object without an
 * `error` (or Anthropic's `type: "error"`); a keyword in that error's message is counted.
 */
export function parseAnswerObject(
  bytes: Uint8Array,
  check: KeywordCheck,
): { kind: "object"; payload: Record<string, unknown> } | AttemptFailure {
  if (bytes.byteLength === 0) return fail("empty response body");
  let payload: unknown;
  try {
    payload = JSON.parse(decodeUtf8(bytes));
  } catch {
    return fail(bytes[0] === 0x3c ? "HTML instead of JSON" : "invalid or truncated JSON");
  }
  if (!isRecord(payload)) return fail("response is not a JSON object");
  if (payload.type === "error" || (payload.error !== undefined && payload.error !== null)) {
    const message = isRecord(payload.error) ? payload.error.message : payload.error;
    if (typeof message === "string") hasKeyword(check, message);
    return fail("error object in a 200 response");
  }
  return { kind: "object", payload };
}

/**
 * Checks a 200 answer before it is relayed: valid JSON object, no `error`, at least one
 * choice, a non-empty answer (content, refusal or tool calls), and no failure keyword in the
 * assistant's text or reasoning. Ids, model names and other metadata are never searched.
 */
export function inspectCompletion(bytes: Uint8Array, check: KeywordCheck): CompletionVerdict | AttemptFailure {
  const parsed = parseAnswerObject(bytes, check);
  if (parsed.kind !== "object") return parsed;
  const { payload } = parsed;
  const choices = payload.choices;
  if (!Array.isArray(choices) || choices.length === 0) return fail("response has no choices");
  let hasAnswer = false;
  let completionCharacters = 0;
  for (const choice of choices) {
    // Legacy completions answer `choices[].text` where chat answers `choices[].message`.
    const message = !isRecord(choice)
      ? null
      : typeof choice.text === "string" && choice.message === undefined
        ? { content: choice.text }
        : choice.message;
    if (!isRecord(message)) continue;
    const content = readContentText(message.content);
    const reasoning = message.reasoning_content ?? message.reasoning;
    const reasoningText = typeof reasoning === "string" ? reasoning : "";
    const refusal = typeof message.refusal === "string" ? message.refusal : "";
    const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
    if (hasKeyword(check, content) || hasKeyword(check, reasoningText) || hasKeyword(check, refusal)) {
      return fail("failure keyword in the answer");
    }
    const toolCharacters = countToolCallCharacters(toolCalls);
    completionCharacters += content.length + reasoningText.length + refusal.length + toolCharacters;
    if (content.length > 0 || refusal.length > 0 || toolCalls.length > 0 || isRecord(message.function_call))
      hasAnswer = true;
  }
  if (!hasAnswer) return fail("empty answer");
  const first: unknown = choices[0];
  const finishReason = isRecord(first) && typeof first.finish_reason === "string" ? first.finish_reason : null;
  return { kind: "ok", usage: readUsage(payload.usage), completionCharacters, finishReason };
}
