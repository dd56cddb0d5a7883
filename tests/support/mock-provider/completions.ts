// OpenAI's legacy completions (`POST /v1/completions`), spoken by the mock: `text_completion`
// JSON and chunk streams, with the same behaviours (pieces, delays, mid-stream failures, usage).
import { answerContext, contentPieces, finishReasonOf, usageJson } from "./answers";
import { type Exchange, sendBody, sendScriptedRaw, sendStream, wantsStream, wantsUsageChunk } from "./exchange";
import { errorJson } from "./answers";
import { frameEvent, resolveFraming, type StreamPlan } from "./sse-plan";
import type { MockBehavior } from "./types";

function completionTextJson(behavior: MockBehavior, model: string): string {
  const context = answerContext(behavior, model);
  const pieces = contentPieces(behavior, model);
  const usage = usageJson(behavior, pieces.length);
  return JSON.stringify({
    id: context.id.replace(/^chatcmpl-/, "cmpl-"),
    object: "text_completion",
    created: context.created,
    model: context.model,
    choices: [{ text: pieces.join(""), index: 0, logprobs: null, finish_reason: finishReasonOf(behavior) }],
    ...(usage ? { usage } : {}),
  });
}

function planCompletionStream(behavior: MockBehavior, model: string, wantsUsage: boolean): StreamPlan {
  const framing = resolveFraming(behavior.framing);
  const context = answerContext(behavior, model);
  let eventIndex = 0;
  const frame = (data: string): string => frameEvent(data, framing, eventIndex++);
  const chunk = (fields: Record<string, unknown>): string =>
    frame(
      JSON.stringify({
        id: context.id.replace(/^chatcmpl-/, "cmpl-"),
        object: "text_completion",
        created: context.created,
        model: context.model,
        ...fields,
      }),
    );
  const pieces = contentPieces(behavior, model);
  const epilogue = [
    chunk({ choices: [{ text: "", index: 0, logprobs: null, finish_reason: finishReasonOf(behavior) }] }),
  ];
  const usage = wantsUsage ? usageJson(behavior, pieces.length) : null;
  if (usage) epilogue.push(chunk({ choices: [], usage }));
  if (!behavior.omitDone) epilogue.push(frame("[DONE]"));
  return {
    prelude: [],
    pieces: pieces.map((text) => chunk({ choices: [{ text, index: 0, logprobs: null, finish_reason: null }] })),
    epilogue,
    errorEvent: frameEvent(errorJson(500, { message: "Mock in-band error", ...behavior.error }), framing, 0),
    framing,
  };
}

export async function answerCompletions(exchange: Exchange, behavior: MockBehavior): Promise<void> {
  const { call } = exchange;
  const model = call.model ?? "";
  if (await sendScriptedRaw(exchange, behavior)) return;
  if (wantsStream(behavior, call.body)) {
    await sendStream(exchange, behavior, planCompletionStream(behavior, model, wantsUsageChunk(behavior, call.body)));
    return;
  }
  await sendBody(exchange, behavior.status ?? 200, "application/json", completionTextJson(behavior, model), behavior);
}
