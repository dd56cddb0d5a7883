// Streams: the events of one answer, how they are framed, and where a script cuts in.
import {
  type AnswerContext,
  answerContext,
  contentPieces,
  errorJson,
  finishReasonOf,
  splitWords,
  toolCallJson,
  usageJson,
} from "./answers";
import type { JsonValue, MockBehavior, SseFraming, SseFramingOptions, SseLineEnding } from "./types";

export interface ResolvedFraming {
  eol: string;
  comments: boolean;
  eventFields: boolean;
  dataPrefix: string;
  splitBytes: readonly number[] | null;
  splitDelayMs: number;
}

export const DEFAULT_SPLIT_BYTES: readonly number[] = [1, 3, 7, 13, 5, 11];
export const EOL: Record<SseLineEnding, string> = { lf: "\n", crlf: "\r\n", cr: "\r" };

export function framingOptions(framing: SseFraming | undefined): SseFramingOptions {
  if (framing === undefined) return {};
  if (typeof framing !== "string") return framing;
  if (framing === "comments") return { comments: true };
  if (framing === "fields") return { eventFields: true };
  if (framing === "compact") return { compactData: true };
  if (framing === "split") return { splitBytes: DEFAULT_SPLIT_BYTES };
  return { lineEnding: framing };
}

export function resolveFraming(framing: SseFraming | undefined): ResolvedFraming {
  const options = framingOptions(framing);
  const split = options.splitBytes;
  return {
    eol: EOL[options.lineEnding ?? "lf"],
    comments: options.comments ?? false,
    eventFields: options.eventFields ?? false,
    dataPrefix: options.compactData ? "data:" : "data: ",
    splitBytes: split === undefined ? null : typeof split === "number" ? [split] : split,
    splitDelayMs: options.splitDelayMs ?? 0,
  };
}

export function frameEvent(data: string, framing: ResolvedFraming, eventIndex: number): string {
  const { eol } = framing;
  const comment = framing.comments ? `: ping${eol}` : "";
  const fields = framing.eventFields ? `event: message${eol}id: ${eventIndex}${eol}` : "";
  return `${comment}${fields}${framing.dataPrefix}${data}${eol}${eol}`;
}

/** The events of one stream, split where the script may cut in. */
export interface StreamPlan {
  prelude: string[];
  pieces: string[];
  epilogue: string[];
  errorEvent: string;
  framing: ResolvedFraming;
}

export function chunkJson(
  context: AnswerContext,
  delta: Record<string, JsonValue>,
  finishReason: string | null,
): string {
  const { id, created, model } = context;
  return JSON.stringify({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
}

export function deltasOf(behavior: MockBehavior, model: string): Record<string, JsonValue>[] {
  const deltas: Record<string, JsonValue>[] = [];
  for (const piece of behavior.reasoning ?? []) deltas.push({ reasoning_content: piece });
  for (const piece of contentPieces(behavior, model)) deltas.push({ content: piece });
  if (behavior.refusal !== undefined) for (const piece of splitWords(behavior.refusal)) deltas.push({ refusal: piece });
  behavior.toolCalls?.forEach((call, index) => deltas.push({ tool_calls: [{ index, ...toolCallJson(call, index) }] }));
  return deltas;
}

export function planStream(behavior: MockBehavior, requestModel: string, wantsUsage: boolean): StreamPlan {
  const framing = resolveFraming(behavior.framing);
  const errorEvent = frameEvent(errorJson(500, { message: "Mock in-band error", ...behavior.error }), framing, 0);
  if (behavior.rawSse !== undefined) {
    const pieces = typeof behavior.rawSse === "string" ? [behavior.rawSse] : [...behavior.rawSse];
    return { prelude: [], pieces, epilogue: [], errorEvent, framing };
  }
  const context = answerContext(behavior, requestModel);
  let eventIndex = 0;
  const frame = (data: string): string => frameEvent(data, framing, eventIndex++);
  const prelude = framing.comments ? [`: mock-provider stream${framing.eol}${framing.eol}`] : [];
  prelude.push(frame(chunkJson(context, { role: "assistant", content: "" }, null)));
  const deltas = deltasOf(behavior, requestModel);
  const pieces = deltas.map((delta) => frame(chunkJson(context, delta, null)));
  const epilogue = [frame(chunkJson(context, {}, finishReasonOf(behavior)))];
  const usage = wantsUsage ? usageJson(behavior, deltas.length) : null;
  if (usage)
    epilogue.push(
      frame(
        JSON.stringify({
          id: context.id,
          object: "chat.completion.chunk",
          created: context.created,
          model: context.model,
          choices: [],
          usage,
        }),
      ),
    );
  if (!behavior.omitDone) epilogue.push(frame("[DONE]"));
  return { prelude, pieces, epilogue, errorEvent, framing };
}

export type StopKind = "reset" | "stall" | "error";

/** The earliest cut-in point the script asks for, clamped to the number of pieces. */
export function stopPointOf(behavior: MockBehavior, pieceCount: number): { kind: StopKind; at: number } | null {
  const candidates: [StopKind, number | undefined][] = [
    ["reset", behavior.resetAfterChunks],
    ["error", behavior.inBandErrorAfterChunks],
    ["stall", behavior.stallAfterChunks],
  ];
  let best: { kind: StopKind; at: number } | null = null;
  for (const [kind, at] of candidates) {
    if (at === undefined) continue;
    const clamped = Math.min(at, pieceCount);
    if (best === null || clamped < best.at) best = { kind, at: clamped };
  }
  return best;
}

/** Cuts a byte stream into pieces of cycling sizes, holding back the tail until more arrives. */
export class ByteSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private sizeIndex = 0;

  constructor(private readonly sizes: readonly number[]) {}

  take(text: string, isFinal: boolean): Buffer[] {
    let buffer = Buffer.concat([this.pending, Buffer.from(text)]);
    const pieces: Buffer[] = [];
    for (;;) {
      const size = Math.max(1, this.sizes[this.sizeIndex % this.sizes.length] ?? 1);
      if (buffer.length < size) break;
      pieces.push(buffer.subarray(0, size));
      buffer = buffer.subarray(size);
      this.sizeIndex++;
    }
    if (isFinal && buffer.length > 0) {
      pieces.push(buffer);
      buffer = Buffer.alloc(0);
    }
    this.pending = buffer;
    return pieces;
  }
}
