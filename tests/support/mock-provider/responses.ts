// OpenAI's Responses API, spoken by the mock: JSON and the typed event stream (text, reasoning
// summaries, function calls), stored answers for GET/DELETE /responses/{id} unless `store: false`,
// and every fault a chat answer can show (status, in-band error, reset, stall, delays).
import { answerContext, contentPieces, errorJson, isRecord } from "./answers";
import { type Exchange, sendBody, sendScriptedRaw, sendStream, wantsStream } from "./exchange";
import { resolveFraming, type StreamPlan } from "./sse-plan";
import type { JsonValue, MockBehavior } from "./types";

type Json = Record<string, JsonValue>;

function usageOf(behavior: MockBehavior, pieces: number): Json | null {
  if (behavior.usage === null) return null;
  const given = behavior.usage ?? {};
  const input = given.prompt_tokens ?? 10;
  const output = given.completion_tokens ?? Math.max(1, pieces);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: given.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: given.reasoning_tokens ?? 0 },
    total_tokens: input + output,
  };
}

function outputItems(behavior: MockBehavior, model: string, id: string): Json[] {
  const items: Json[] = [];
  if (behavior.reasoning)
    items.push({
      type: "reasoning",
      id: `rs_${id}`,
      summary: [{ type: "summary_text", text: behavior.reasoning.join("") }],
    });
  const text = contentPieces(behavior, model).join("");
  if (text.length > 0)
    items.push({
      type: "message",
      id: `msg_${id}`,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text, annotations: [] }],
    });
  (behavior.toolCalls ?? []).forEach((call, index) =>
    items.push({
      type: "function_call",
      id: `fc_${id}_${index}`,
      call_id: call.id ?? `call_mock${index}`,
      name: call.name,
      arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
      status: "completed",
    }),
  );
  return items;
}

function responseObject(behavior: MockBehavior, body: Json, status: string, output: Json[]): Json {
  const model = typeof body.model === "string" ? body.model : "";
  const context = answerContext(behavior, model);
  return {
    id: `resp_${context.id}`,
    object: "response",
    created_at: context.created,
    status,
    model: context.model,
    output,
    previous_response_id: typeof body.previous_response_id === "string" ? body.previous_response_id : null,
    store: body.store !== false,
    usage: status === "completed" ? usageOf(behavior, contentPieces(behavior, model).length) : null,
  };
}

function eventText(type: string, data: Json, sequence: { next: number }): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence.next++, ...data })}\n\n`;
}

/** Pieces are the text, reasoning and argument deltas: the points a script cuts in at. */
function planResponseStream(behavior: MockBehavior, body: Json, final: Json): StreamPlan {
  const sequence = { next: 0 };
  const event = (type: string, data: Json) => eventText(type, data, sequence);
  const pending = { ...final, status: "in_progress", output: [], usage: null };
  const prelude = [
    event("response.created", { response: pending }),
    event("response.in_progress", { response: pending }),
  ];
  const pieces: string[] = [];
  const items = final.output as Json[];
  items.forEach((item, index) => {
    const added = event("response.output_item.added", {
      output_index: index,
      item: { ...item, status: "in_progress" },
    });
    const done = event("response.output_item.done", { output_index: index, item });
    if (item.type === "message") {
      const text = (item.content as Json[])[0]!.text as string;
      const words = contentPieces(behavior, String(body.model ?? ""));
      const part = event("response.content_part.added", {
        item_id: item.id!,
        output_index: index,
        content_index: 0,
        part: { type: "output_text", text: "", annotations: [] },
      });
      words.forEach((delta, i) => {
        const head = i === 0 ? added + part : "";
        const tail =
          i === words.length - 1
            ? event("response.output_text.done", { item_id: item.id!, output_index: index, content_index: 0, text }) +
              event("response.content_part.done", {
                item_id: item.id!,
                output_index: index,
                content_index: 0,
                part: { type: "output_text", text, annotations: [] },
              }) +
              done
            : "";
        pieces.push(
          head +
            event("response.output_text.delta", { item_id: item.id!, output_index: index, content_index: 0, delta }) +
            tail,
        );
      });
    } else if (item.type === "reasoning") {
      const parts = behavior.reasoning ?? [];
      parts.forEach((delta, i) =>
        pieces.push(
          (i === 0 ? added : "") +
            event("response.reasoning_summary_text.delta", {
              item_id: item.id!,
              output_index: index,
              summary_index: 0,
              delta,
            }) +
            (i === parts.length - 1 ? done : ""),
        ),
      );
    } else {
      const args = item.arguments as string;
      const half = Math.ceil(args.length / 2);
      const delta = (text: string) =>
        event("response.function_call_arguments.delta", { item_id: item.id!, output_index: index, delta: text });
      pieces.push(added + delta(args.slice(0, half)));
      pieces.push(
        delta(args.slice(half)) +
          event("response.function_call_arguments.done", { item_id: item.id!, output_index: index, arguments: args }) +
          done,
      );
    }
  });
  const errorEvent = `event: error\ndata: ${JSON.stringify({
    type: "error",
    code: "server_error",
    message: behavior.error?.message ?? "Mock in-band error",
    param: null,
  })}\n\n`;
  return {
    prelude,
    pieces,
    epilogue: [event("response.completed", { response: final })],
    errorEvent,
    framing: resolveFraming(undefined),
  };
}

/** POST /v1/responses. */
export async function answerResponses(
  exchange: Exchange,
  behavior: MockBehavior,
  store: Map<string, string>,
): Promise<void> {
  if (await sendScriptedRaw(exchange, behavior)) return;
  const body = (isRecord(exchange.call.body) ? exchange.call.body : {}) as Json;
  const previous = body.previous_response_id;
  if (typeof previous === "string" && !store.has(previous)) {
    const message = `Previous response with id '${previous}' not found.`;
    await sendBody(exchange, 400, "application/json", errorJson(400, { message, param: "previous_response_id" }), {});
    return;
  }
  const draft = responseObject(behavior, body, "completed", []);
  const final: Json = { ...draft, output: outputItems(behavior, String(body.model ?? ""), String(draft.id).slice(5)) };
  if (body.store !== false) store.set(String(final.id), JSON.stringify(final));
  if (wantsStream(behavior, body)) {
    await sendStream(exchange, behavior, planResponseStream(behavior, body, final));
    return;
  }
  await sendBody(exchange, 200, "application/json", JSON.stringify(final), behavior);
}

/** GET / DELETE /v1/responses/{id}: the stored answer, or 404 as OpenAI sends it. */
export async function answerStoredResponse(exchange: Exchange, store: Map<string, string>): Promise<void> {
  const { call } = exchange;
  const id = decodeURIComponent(call.path.slice("/v1/responses/".length));
  const stored = store.get(id);
  if (stored === undefined) {
    const message = `Response with id '${id}' not found.`;
    await sendBody(exchange, 404, "application/json", errorJson(404, { message, param: "response_id" }), {});
    return;
  }
  if (call.method === "DELETE") {
    store.delete(id);
    await sendBody(exchange, 200, "application/json", JSON.stringify({ id, object: "response", deleted: true }), {});
    return;
  }
  await sendBody(exchange, 200, "application/json", stored, {});
}
