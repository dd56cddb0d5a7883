import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";

/*
 * The one neutral form every protocol translates through: the `ai` SDK's provider
 * specification (LanguageModelV3). A protocol needs a decoder into it and an encoder out of
 * it for requests, answers and stream parts; any ingress then reaches any upstream without a
 * hand-written pair. Same-protocol traffic never comes here (it is passed through byte for byte).
 */

export type NeutralCallOptions = Omit<LanguageModelV3CallOptions, "abortSignal" | "headers" | "includeRawChunks">;

/** A request in neutral form, with the few fields the V3 call options carry only per provider. */
export interface NeutralRequest {
  options: NeutralCallOptions;
  stream: boolean;
  /** The end user the client named (`metadata.user_id`, `user`). */
  user?: string;
  reasoningEffort?: "low" | "medium" | "high";
  parallelToolCalls?: boolean;
}

/** A whole answer in neutral form. `toolCall.input` is the JSON text, as V3 defines it. */
export interface NeutralAnswer {
  id: string;
  model: string;
  content: LanguageModelV3Content[];
  finishReason: LanguageModelV3FinishReason;
  usage: LanguageModelV3Usage;
}

export type NeutralStreamPart = LanguageModelV3StreamPart;
export type NeutralUsage = LanguageModelV3Usage;
export type NeutralFinishReason = LanguageModelV3FinishReason;

/** A protocol's finish reason through its table of unified ones; unknown values are "other". */
export function unifyFinishReason(
  table: Readonly<Record<string, NeutralFinishReason["unified"]>>,
  raw: unknown,
): NeutralFinishReason {
  const value = typeof raw === "string" ? raw : undefined;
  return { unified: (value !== undefined ? table[value] : undefined) ?? "other", raw: value };
}

/** A token count as a protocol reports it, or undefined when it is not a usable number. */
export function tokenCount(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function emptyUsage(): NeutralUsage {
  return {
    inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: undefined, text: undefined, reasoning: undefined },
  };
}

/** Decodes one protocol's stream events into neutral parts; `end` closes what is still open. */
export interface StreamDecoder {
  decode(payload: unknown): NeutralStreamPart[];
  end(): NeutralStreamPart[];
}

/** Encodes neutral parts as one protocol's SSE events (the exact bytes of each). */
export interface StreamEncoder {
  encode(part: NeutralStreamPart): string;
}
