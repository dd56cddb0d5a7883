import type { NeutralAnswer, NeutralFinishReason, NeutralStreamPart, NeutralUsage, StreamEncoder } from "./neutral";

/*
 * Neutral form → OpenAI Responses API answers: the `response` object, and its typed event
 * stream (`response.created` … `response.completed`), so the SDK's `responses.stream()` and
 * Codex accumulate it. Output items are numbered in the order they start; every event carries
 * its `sequence_number`, and the final event holds the whole response.
 */

type Json = Record<string, unknown>;

/** What the response echoes of the request (instructions, tools, tool_choice…). */
export type ResponseEcho = Json;

export function encodeResponsesUsage(usage: NeutralUsage): Json {
  const input = usage.inputTokens.total ?? 0;
  const output = usage.outputTokens.total ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.inputTokens.cacheRead ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.outputTokens.reasoning ?? 0 },
    total_tokens: input + output,
  };
}

function status(reason: NeutralFinishReason): { status: string; incomplete_details: Json | null } {
  if (reason.unified === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (reason.unified === "content-filter")
    return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

export function responseId(upstreamId: string | undefined): string {
  const base = (upstreamId ?? "").replace(/^(chatcmpl-|msg_)/, "") || Date.now().toString(36);
  return `resp_${base}`;
}

/** The response object around `output`, as both the JSON answer and the stream's events show it. */
function responseObject(id: string, model: string, createdAt: number, echo: ResponseEcho, fields: Json): Json {
  return {
    id,
    object: "response",
    created_at: createdAt,
    status: "in_progress",
    error: null,
    incomplete_details: null,
    model,
    output: [],
    usage: null,
    ...echo,
    ...fields,
  };
}

function messageItem(id: string, text: string, itemStatus: string): Json {
  return {
    id,
    type: "message",
    status: itemStatus,
    role: "assistant",
    content: itemStatus === "in_progress" ? [] : [{ type: "output_text", text, annotations: [] }],
  };
}

function reasoningItem(id: string, text: string, itemStatus: string): Json {
  const content = itemStatus === "in_progress" ? [] : [{ type: "reasoning_text", text }];
  return { id, type: "reasoning", summary: [], content };
}

function functionCallItem(id: string, callId: string, name: string, args: string, itemStatus: string): Json {
  return { id, type: "function_call", status: itemStatus, call_id: callId, name, arguments: args };
}

export function encodeResponse(answer: NeutralAnswer, createdAt: number, echo: ResponseEcho): string {
  const id = responseId(answer.id);
  const output: Json[] = [];
  answer.content.forEach((part, index) => {
    if (part.type === "text") output.push(messageItem(`msg_${index}_${id}`, part.text, "completed"));
    else if (part.type === "reasoning") output.push(reasoningItem(`rs_${index}_${id}`, part.text, "completed"));
    else if (part.type === "tool-call")
      output.push(functionCallItem(`fc_${index}_${id}`, part.toolCallId, part.toolName, part.input, "completed"));
  });
  return JSON.stringify(
    responseObject(id, answer.model, createdAt, echo, {
      ...status(answer.finishReason),
      output,
      usage: encodeResponsesUsage(answer.usage),
    }),
  );
}

interface OpenItem {
  index: number;
  kind: "text" | "reasoning" | "tool";
  itemId: string;
  text: string;
  callId: string;
  name: string;
}

/** Neutral stream parts → the Responses API's typed events. */
export class ResponsesStreamEncoder implements StreamEncoder {
  private sequence = 0;
  private started = false;
  private id = responseId(undefined);
  private model: string;
  private readonly output: Json[] = [];
  private readonly open = new Map<string, OpenItem>();

  constructor(
    fallbackModel: string,
    private readonly createdAt: number,
    private readonly echo: ResponseEcho,
  ) {
    this.model = fallbackModel;
  }

  encode(part: NeutralStreamPart): string {
    switch (part.type) {
      case "response-metadata":
        if (!this.started) {
          if (part.id) this.id = responseId(part.id);
          if (part.modelId) this.model = part.modelId;
        }
        return this.start();
      case "text-start":
        return this.start() + this.openItem(part.id, "text", "", "");
      case "reasoning-start":
        return this.start() + this.openItem(part.id, "reasoning", "", "");
      case "tool-input-start":
        return this.start() + this.openItem(part.id, "tool", part.id, part.toolName);
      case "text-delta":
      case "reasoning-delta":
      case "tool-input-delta":
        return this.delta(part.id, part.delta);
      case "text-end":
      case "reasoning-end":
      case "tool-input-end":
        return this.closeItem(part.id);
      case "finish": {
        let text = this.start();
        for (const id of [...this.open.keys()]) text += this.closeItem(id);
        const final = this.response({
          ...status(part.finishReason),
          output: this.output,
          usage: encodeResponsesUsage(part.usage),
        });
        const type = final.status === "completed" ? "response.completed" : "response.incomplete";
        return text + this.event(type, { response: final });
      }
      case "error":
        return this.event("error", { code: "upstream_error", message: String(part.error), param: null });
      default:
        return "";
    }
  }

  private response(fields: Json): Json {
    return responseObject(this.id, this.model, this.createdAt, this.echo, fields);
  }

  private event(type: string, data: Json): string {
    const payload = { type, sequence_number: this.sequence++, ...data };
    return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
  }

  private start(): string {
    if (this.started) return "";
    this.started = true;
    const response = this.response({});
    return this.event("response.created", { response }) + this.event("response.in_progress", { response });
  }

  private itemOf(open: OpenItem, itemStatus: string): Json {
    if (open.kind === "text") return messageItem(open.itemId, open.text, itemStatus);
    if (open.kind === "reasoning") return reasoningItem(open.itemId, open.text, itemStatus);
    return functionCallItem(
      open.itemId,
      open.callId,
      open.name,
      itemStatus === "in_progress" ? "" : open.text,
      itemStatus,
    );
  }

  private part(open: OpenItem): Json {
    return open.kind === "text"
      ? { type: "output_text", text: open.text, annotations: [] }
      : { type: "reasoning_text", text: open.text };
  }

  private openItem(partId: string, kind: OpenItem["kind"], callId: string, name: string): string {
    const index = this.output.length;
    const prefix = kind === "text" ? "msg" : kind === "reasoning" ? "rs" : "fc";
    const open: OpenItem = { index, kind, itemId: `${prefix}_${index}_${this.id}`, text: "", callId, name };
    this.open.set(partId, open);
    this.output.push(this.itemOf(open, "in_progress"));
    let text = this.event("response.output_item.added", {
      output_index: index,
      item: this.itemOf(open, "in_progress"),
    });
    if (kind !== "tool")
      text += this.event("response.content_part.added", {
        item_id: open.itemId,
        output_index: index,
        content_index: 0,
        part: this.part(open),
      });
    return text;
  }

  private delta(partId: string, delta: string): string {
    const open = this.open.get(partId);
    if (!open) return "";
    open.text += delta;
    const where = { item_id: open.itemId, output_index: open.index };
    if (open.kind === "tool") return this.event("response.function_call_arguments.delta", { ...where, delta });
    const type = open.kind === "text" ? "response.output_text.delta" : "response.reasoning_text.delta";
    return this.event(type, { ...where, content_index: 0, delta });
  }

  private closeItem(partId: string): string {
    const open = this.open.get(partId);
    if (!open) return "";
    this.open.delete(partId);
    const where = { item_id: open.itemId, output_index: open.index };
    let text: string;
    if (open.kind === "tool")
      text = this.event("response.function_call_arguments.done", { ...where, arguments: open.text });
    else {
      const done = open.kind === "text" ? "response.output_text.done" : "response.reasoning_text.done";
      text =
        this.event(done, { ...where, content_index: 0, text: open.text }) +
        this.event("response.content_part.done", { ...where, content_index: 0, part: this.part(open) });
    }
    const item = this.itemOf(open, "completed");
    this.output[open.index] = item;
    return text + this.event("response.output_item.done", { output_index: open.index, item });
  }
}
