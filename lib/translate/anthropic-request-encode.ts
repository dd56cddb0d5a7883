import type {
  LanguageModelV3DataContent,
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3ToolResultOutput,
} from "@ai-sdk/provider";
import { isRecord } from "../gateway/json-shape";
import type { NeutralRequest } from "./neutral";

/*
 * Neutral form → Anthropic Messages request body. Anthropic needs `max_tokens`, alternating
 * turns, tool results inside a user turn and temperature at most 1; thinking blocks from another
 * provider carry no signature Anthropic would accept, so they are left out of the history.
 */

type Json = Record<string, unknown>;

/** Anthropic requires `max_tokens`; a chat request often has none. */
export const DEFAULT_MAX_TOKENS = 4096;

const THINKING_BUDGET: Record<NonNullable<NeutralRequest["reasoningEffort"]>, number> = {
  low: 1024,
  medium: 4096,
  high: 16_384,
};

function base64(data: Exclude<LanguageModelV3DataContent, URL>): string {
  return typeof data === "string" ? data : Buffer.from(data).toString("base64");
}

function encodeFile(part: LanguageModelV3FilePart): Json {
  const isImage = part.mediaType.startsWith("image/");
  const type = isImage ? "image" : "document";
  if (part.data instanceof URL) return { type, source: { type: "url", url: part.data.href } };
  if (!isImage && part.mediaType.startsWith("text/")) {
    const text = Buffer.from(base64(part.data), "base64").toString("utf8");
    return { type, source: { type: "text", media_type: "text/plain", data: text } };
  }
  return { type, source: { type: "base64", media_type: part.mediaType, data: base64(part.data) } };
}

function encodeToolOutput(output: LanguageModelV3ToolResultOutput): Json {
  switch (output.type) {
    case "text":
      return { content: output.value };
    case "error-text":
      return { content: output.value, is_error: true };
    case "json":
      return { content: JSON.stringify(output.value) };
    case "error-json":
      return { content: JSON.stringify(output.value), is_error: true };
    case "execution-denied":
      return { content: output.reason ?? "The tool call was denied.", is_error: true };
    case "content":
      return {
        content: output.value.flatMap((item): Json[] => {
          if (item.type === "text") return [{ type: "text", text: item.text }];
          if (item.type === "image-data")
            return [{ type: "image", source: { type: "base64", media_type: item.mediaType, data: item.data } }];
          return [];
        }),
      };
  }
}

function toolInput(input: unknown): Json {
  if (typeof input !== "string") return isRecord(input) ? input : {};
  try {
    const parsed: unknown = JSON.parse(input);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function encodeTurn(message: Exclude<LanguageModelV3Message, { role: "system" }>): { role: string; blocks: Json[] } {
  switch (message.role) {
    case "user":
      return {
        role: "user",
        blocks: message.content.map((part) =>
          part.type === "text" ? { type: "text", text: part.text } : encodeFile(part),
        ),
      };
    case "assistant":
      return {
        role: "assistant",
        blocks: message.content.flatMap((part): Json[] => {
          if (part.type === "text") return part.text.length > 0 ? [{ type: "text", text: part.text }] : [];
          if (part.type === "tool-call")
            return [{ type: "tool_use", id: part.toolCallId, name: part.toolName, input: toolInput(part.input) }];
          return [];
        }),
      };
    case "tool":
      return {
        role: "user",
        blocks: message.content.flatMap((part) =>
          part.type === "tool-result"
            ? [{ type: "tool_result", tool_use_id: part.toolCallId, ...encodeToolOutput(part.output) }]
            : [],
        ),
      };
  }
}

/** Turns of the same role in a row become one (tool results and the user's next words share a turn). */
function encodeMessages(prompt: LanguageModelV3Message[]): Json[] {
  const turns: { role: string; blocks: Json[] }[] = [];
  for (const message of prompt) {
    if (message.role === "system") continue;
    const turn = encodeTurn(message);
    if (turn.blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === turn.role) last.blocks.push(...turn.blocks);
    else turns.push(turn);
  }
  return turns.map((turn) => ({ role: turn.role, content: turn.blocks }));
}

function encodeToolChoice(request: NeutralRequest): Json | undefined {
  const choice = request.options.toolChoice;
  const disableParallel = request.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined)
    return request.parallelToolCalls === false ? { type: "auto", ...disableParallel } : undefined;
  if (choice.type === "required") return { type: "any", ...disableParallel };
  if (choice.type === "tool") return { type: "tool", name: choice.toolName, ...disableParallel };
  if (choice.type === "none") return { type: "none" };
  return { type: "auto", ...disableParallel };
}

export function encodeAnthropicRequest(request: NeutralRequest, model: string): Json {
  const { options } = request;
  const system = options.prompt
    .flatMap((message) => (message.role === "system" && message.content.length > 0 ? [message.content] : []))
    .join("\n\n");
  const body: Json = { model, max_tokens: options.maxOutputTokens ?? DEFAULT_MAX_TOKENS };
  if (system.length > 0) body.system = system;
  body.messages = encodeMessages(options.prompt);
  if (request.stream) body.stream = true;
  const thinkingBudget = request.reasoningEffort ? THINKING_BUDGET[request.reasoningEffort] : 0;
  if (thinkingBudget > 0) {
    // Thinking needs room beyond its budget and does not take temperature or top_k.
    body.thinking = { type: "enabled", budget_tokens: thinkingBudget };
    if ((body.max_tokens as number) <= thinkingBudget) body.max_tokens = thinkingBudget + (body.max_tokens as number);
  } else {
    if (options.temperature !== undefined) body.temperature = Math.min(1, Math.max(0, options.temperature));
    if (options.topK !== undefined) body.top_k = options.topK;
  }
  if (options.topP !== undefined) body.top_p = options.topP;
  if (options.stopSequences !== undefined && options.stopSequences.length > 0)
    body.stop_sequences = options.stopSequences;
  if (options.tools !== undefined) {
    body.tools = options.tools.flatMap((tool) =>
      tool.type === "function"
        ? [
            {
              name: tool.name,
              ...(tool.description !== undefined ? { description: tool.description } : {}),
              input_schema: tool.inputSchema,
            },
          ]
        : [],
    );
  }
  const toolChoice = encodeToolChoice(request);
  if (toolChoice !== undefined && options.tools !== undefined) body.tool_choice = toolChoice;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  return body;
}
