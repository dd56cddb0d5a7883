import type {
  LanguageModelV3FilePart,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3TextPart,
  LanguageModelV3ToolChoice,
  LanguageModelV3ToolResultOutput,
  LanguageModelV3ToolResultPart,
} from "@ai-sdk/provider";
import type { JSONSchema7 } from "@ai-sdk/provider";
import { isRecord } from "../gateway/json-shape";
import type { NeutralRequest } from "./neutral";

/*
 * Anthropic Messages request → neutral form. The body was validated (validate-messages.ts),
 * so shapes are known; anything a neutral request cannot carry (cache_control, server tools,
 * citations) is dropped here, which only matters for non-Anthropic upstreams.
 */

type UserPart = LanguageModelV3TextPart | LanguageModelV3FilePart;

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return "";
  return value
    .filter(isRecord)
    .map((block) => (typeof block.text === "string" ? block.text : ""))
    .join("\n");
}

/** An image or document block's source as a V3 file part; null for a shape we cannot carry. */
function decodeFile(block: Record<string, unknown>): UserPart | null {
  const source = block.source;
  if (!isRecord(source)) return null;
  const isImage = block.type === "image";
  if (source.type === "base64" && typeof source.data === "string") {
    const mediaType =
      typeof source.media_type === "string" ? source.media_type : isImage ? "image/png" : "application/pdf";
    return { type: "file", mediaType, data: source.data };
  }
  if (source.type === "url" && typeof source.url === "string") {
    return { type: "file", mediaType: isImage ? "image/*" : "application/pdf", data: new URL(source.url) };
  }
  if (source.type === "text" && typeof source.data === "string") return { type: "text", text: source.data };
  if (source.type === "content") return { type: "text", text: textOf(source.content) };
  return null;
}

function decodeToolResult(
  block: Record<string, unknown>,
  toolNames: Map<string, string>,
): LanguageModelV3ToolResultPart {
  const toolCallId = typeof block.tool_use_id === "string" ? block.tool_use_id : "";
  const content = block.content;
  let output: LanguageModelV3ToolResultOutput;
  if (block.is_error === true) output = { type: "error-text", value: textOf(content) };
  else if (typeof content === "string" || content === undefined) output = { type: "text", value: content ?? "" };
  else {
    const parts: Extract<LanguageModelV3ToolResultOutput, { type: "content" }>["value"] = [];
    for (const item of Array.isArray(content) ? content.filter(isRecord) : []) {
      if (item.type === "text" && typeof item.text === "string") parts.push({ type: "text", text: item.text });
      const source = item.source;
      if (item.type === "image" && isRecord(source) && source.type === "base64" && typeof source.data === "string") {
        const mediaType = typeof source.media_type === "string" ? source.media_type : "image/png";
        parts.push({ type: "image-data", data: source.data, mediaType });
      }
    }
    output = { type: "content", value: parts };
  }
  return { type: "tool-result", toolCallId, toolName: toolNames.get(toolCallId) ?? "", output };
}

function decodeUser(content: unknown, toolNames: Map<string, string>): LanguageModelV3Message[] {
  if (typeof content === "string") return [{ role: "user", content: [{ type: "text", text: content }] }];
  const results: LanguageModelV3ToolResultPart[] = [];
  const parts: UserPart[] = [];
  for (const block of Array.isArray(content) ? content.filter(isRecord) : []) {
    if (block.type === "tool_result") results.push(decodeToolResult(block, toolNames));
    else if (block.type === "text" && typeof block.text === "string") parts.push({ type: "text", text: block.text });
    else if (block.type === "image" || block.type === "document") {
      const file = decodeFile(block);
      if (file) parts.push(file);
    }
  }
  // Tool results answer the assistant turn before them, so they come first.
  const messages: LanguageModelV3Message[] = [];
  if (results.length > 0) messages.push({ role: "tool", content: results });
  if (parts.length > 0) messages.push({ role: "user", content: parts });
  return messages;
}

function decodeAssistant(content: unknown, toolNames: Map<string, string>): LanguageModelV3Message {
  if (typeof content === "string") return { role: "assistant", content: [{ type: "text", text: content }] };
  const parts: Extract<LanguageModelV3Message, { role: "assistant" }>["content"] = [];
  for (const block of Array.isArray(content) ? content.filter(isRecord) : []) {
    if (block.type === "text" && typeof block.text === "string") parts.push({ type: "text", text: block.text });
    else if (block.type === "thinking" && typeof block.thinking === "string")
      parts.push({ type: "reasoning", text: block.thinking });
    else if (block.type === "tool_use" && typeof block.id === "string" && typeof block.name === "string") {
      toolNames.set(block.id, block.name);
      parts.push({ type: "tool-call", toolCallId: block.id, toolName: block.name, input: block.input ?? {} });
    }
  }
  return { role: "assistant", content: parts };
}

function decodeTools(tools: unknown): LanguageModelV3FunctionTool[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  const decoded: LanguageModelV3FunctionTool[] = [];
  for (const tool of tools.filter(isRecord)) {
    // Server tools (web search, code execution…) exist only on Anthropic's side.
    if (tool.type !== undefined && tool.type !== "custom") continue;
    if (typeof tool.name !== "string") continue;
    decoded.push({
      type: "function",
      name: tool.name,
      ...(typeof tool.description === "string" ? { description: tool.description } : {}),
      inputSchema: (isRecord(tool.input_schema) ? tool.input_schema : { type: "object" }) as JSONSchema7,
    });
  }
  return decoded.length > 0 ? decoded : undefined;
}

function decodeToolChoice(choice: unknown): LanguageModelV3ToolChoice | undefined {
  if (!isRecord(choice)) return undefined;
  if (choice.type === "any") return { type: "required" };
  if (choice.type === "none") return { type: "none" };
  if (choice.type === "tool" && typeof choice.name === "string") return { type: "tool", toolName: choice.name };
  return { type: "auto" };
}

/** Anthropic's thinking budget as an OpenAI-style reasoning effort. */
function decodeThinking(thinking: unknown): NeutralRequest["reasoningEffort"] {
  if (!isRecord(thinking) || thinking.type !== "enabled") return undefined;
  const budget = typeof thinking.budget_tokens === "number" ? thinking.budget_tokens : 0;
  if (budget >= 16_384) return "high";
  if (budget >= 4_096) return "medium";
  return "low";
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function decodeAnthropicRequest(body: Record<string, unknown>): NeutralRequest {
  const prompt: LanguageModelV3Message[] = [];
  const system = textOf(body.system);
  if (system.length > 0) prompt.push({ role: "system", content: system });
  const toolNames = new Map<string, string>();
  for (const message of Array.isArray(body.messages) ? body.messages.filter(isRecord) : []) {
    if (message.role === "assistant") prompt.push(decodeAssistant(message.content, toolNames));
    else prompt.push(...decodeUser(message.content, toolNames));
  }
  const choice = isRecord(body.tool_choice) ? body.tool_choice : null;
  const metadata = isRecord(body.metadata) ? body.metadata : null;
  const reasoningEffort = decodeThinking(body.thinking);
  return {
    stream: body.stream === true,
    options: {
      prompt,
      maxOutputTokens: numberOr(body.max_tokens),
      temperature: numberOr(body.temperature),
      topP: numberOr(body.top_p),
      topK: numberOr(body.top_k),
      stopSequences: Array.isArray(body.stop_sequences)
        ? body.stop_sequences.filter((s): s is string => typeof s === "string")
        : undefined,
      tools: decodeTools(body.tools),
      toolChoice: decodeToolChoice(choice),
    },
    ...(typeof metadata?.user_id === "string" ? { user: metadata.user_id } : {}),
    ...(reasoningEffort ? { reasoningEffort } : {}),
    ...(choice?.disable_parallel_tool_use === true ? { parallelToolCalls: false } : {}),
  };
}
