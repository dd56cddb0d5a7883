// OpenAI's JSON-only APIs, spoken by the mock: embeddings (float or base64, as the SDK asks),
// moderations and the Cohere/Jina-shaped rerank. Status, delay, hang, raw body and HTML
// behaviours work as on chat completions.
import { isRecord } from "./answers";
import { type Exchange, sendBody, sendScriptedRaw } from "./exchange";
import type { MockBehavior } from "./types";

export type JsonApiRoute = "embeddings" | "moderations" | "rerank" | "images";

function inputsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** A small deterministic vector per input, so tests can check what came back. */
function vectorFor(index: number, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => Math.round((index + 1) * (i + 1) * 0.125 * 1000) / 1000);
}

function embeddingsJson(body: Record<string, unknown>, behavior: MockBehavior, model: string): string {
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : 4;
  const isBase64 = body.encoding_format === "base64";
  const data = inputsOf(body.input).map((_, index) => {
    const vector = vectorFor(index, dimensions);
    const embedding = isBase64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
    return { object: "embedding", index, embedding };
  });
  const prompt = behavior.usage?.prompt_tokens ?? 5 * data.length;
  return JSON.stringify({ object: "list", data, model, usage: { prompt_tokens: prompt, total_tokens: prompt } });
}

function moderationsJson(body: Record<string, unknown>, behavior: MockBehavior, model: string): string {
  const flagged = behavior.text?.includes("flagged") ?? false;
  const results = inputsOf(body.input).map(() => ({
    flagged,
    categories: { harassment: flagged, violence: false },
    category_scores: { harassment: flagged ? 0.93 : 0.01, violence: 0.001 },
  }));
  return JSON.stringify({ id: "modr-mock1", model, results });
}

function rerankJson(body: Record<string, unknown>, behavior: MockBehavior, model: string): string {
  const documents = Array.isArray(body.documents) ? body.documents : [];
  const scored = documents.map((_, index) => ({ index, relevance_score: 1 / (index + 2) }));
  const top = typeof body.top_n === "number" ? scored.slice(0, body.top_n) : scored;
  const total = behavior.usage?.prompt_tokens ?? 7 * (documents.length + 1);
  return JSON.stringify({ id: "rerank-mock1", model, results: top, usage: { total_tokens: total } });
}

export function imagesJson(body: Record<string, unknown>, behavior: MockBehavior): string {
  const count = typeof body.n === "number" ? body.n : 1;
  const asBase64 = body.response_format === "b64_json";
  const data = Array.from({ length: count }, (_, index) =>
    asBase64
      ? { b64_json: Buffer.from(`mock image ${index}`).toString("base64") }
      : { url: `https://images.example/mock-${index}.png`, revised_prompt: String(body.prompt ?? "") },
  );
  const given = behavior.usage;
  const usage = given ? { input_tokens: given.prompt_tokens ?? 0, output_tokens: given.completion_tokens ?? 0 } : null;
  return JSON.stringify({ created: 1_700_000_000, data, ...(usage ? { usage } : {}) });
}

const ANSWERS: Record<JsonApiRoute, (body: Record<string, unknown>, behavior: MockBehavior, model: string) => string> =
  {
    embeddings: embeddingsJson,
    moderations: moderationsJson,
    rerank: rerankJson,
    images: imagesJson,
  };

export async function answerJsonApi(exchange: Exchange, route: JsonApiRoute, behavior: MockBehavior): Promise<void> {
  if (await sendScriptedRaw(exchange, behavior)) return;
  const body = isRecord(exchange.call.body) ? exchange.call.body : {};
  const answer = ANSWERS[route](body, behavior, exchange.call.model ?? "");
  await sendBody(exchange, behavior.status ?? 200, "application/json", answer, behavior);
}
