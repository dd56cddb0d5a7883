/** Characters tokenized exactly; a longer prompt is extrapolated from them, keeping the cost bounded. */
const TOKENIZED_CHARACTERS = 32_768;

const OUTPUT_FIELDS = ["max_tokens", "max_completion_tokens", "max_output_tokens"] as const;

type CountTokens = (text: string) => number;
let countTokens: CountTokens | null = null;

/**
 * The tokens a request is expected to use, reserved against tokens-per-minute limits before
 * the upstream is called: its text through the o200k tokenizer, plus the output it allows
 * itself (`max_tokens` and friends). The real usage settles the difference afterwards.
 */
export async function estimateRequestTokens(messages: unknown, body: Record<string, unknown>): Promise<number> {
  // The tokenizer's tables are large: loaded on the first request a token limit applies to.
  countTokens ??= (await import("gpt-tokenizer")).countTokens as CountTokens;
  const text = typeof messages === "string" ? messages : (JSON.stringify(messages ?? "") ?? "");
  const head = text.slice(0, TOKENIZED_CHARACTERS);
  let tokens = head.length === 0 ? 0 : countTokens(head);
  if (text.length > head.length) tokens = Math.ceil((tokens * text.length) / head.length);
  return tokens + requestedOutputTokens(body);
}

function requestedOutputTokens(body: Record<string, unknown>): number {
  for (const field of OUTPUT_FIELDS) {
    const value = body[field];
    if (typeof value === "number" && Number.isFinite(value) && value > 0) return Math.floor(value);
  }
  return 0;
}
