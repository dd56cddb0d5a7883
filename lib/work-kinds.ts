import type { WorkKind } from "../db/schema";

export { PRICE_UNITS, WORK_KINDS, type PriceUnit, type WorkKind } from "../db/schema";
export { formatWorkKinds, parseWorkKinds, toPriceUnit } from "../db/work-kinds";

/*
 * The kinds of work a provider serves. An admin may tick them; a provider left without any
 * (every provider made before kinds existed, a config document that names none) serves what
 * its model id says it is, by the rules below, which the importer also uses for its guess.
 */

const GUESSES: readonly [RegExp, WorkKind][] = [
  [/embed/i, "embeddings"],
  [/rerank/i, "rerank"],
  [/moderation/i, "moderation"],
  [/whisper|transcribe|(^|[-_/])tts([-_]|$)|speech/i, "audio"],
  [/dall-e|gpt-image|imagen|flux|stable-diffusion|sdxl|image-gen/i, "images"],
];

/** OpenAI's own API serves the Responses API beside chat; most compatible hosts do not. */
function servesResponses(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === "api.openai.com";
  } catch {
    return false;
  }
}

/** What a model id looks like it serves: one special kind, or chat (with responses on OpenAI's own API). */
export function guessWorkKinds(upstreamModel: string, baseUrl = ""): WorkKind[] {
  for (const [pattern, kind] of GUESSES) if (pattern.test(upstreamModel)) return [kind];
  return servesResponses(baseUrl) ? ["chat", "responses"] : ["chat"];
}

/** The kinds a provider serves: the ticked ones, or the guess when none is ticked. */
export function effectiveWorkKinds(
  stored: readonly WorkKind[],
  upstreamModel: string,
  baseUrl: string,
): ReadonlySet<WorkKind> {
  return new Set(stored.length > 0 ? stored : guessWorkKinds(upstreamModel, baseUrl));
}
