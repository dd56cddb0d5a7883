import type {
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3TextPart,
  LanguageModelV3ToolChoice,
} from "@ai-sdk/provider";
import { isRecord } from "../gateway/json-shape";
import { decodeFunctionTools, filePart, jsonFormat, numberOr, parseArguments, textOf } from "./decode-parts";
import type { NeutralCallOptions, NeutralRequest } from "./neutral";

/*
 * OpenAI chat completions request → neutral form. Only `model` and `messages` were validated
 * (validate-chat.ts), so every other field is read defensively; what a neutral request cannot
 * carry (logprobs, n, audio output, logit_bias) is dropped, which only matters for upstreams
 * of another protocol.
 */

type Json = Record<string, unknown>;
type UserPart = LanguageModelV3TextPart | LanguageModelV3FilePart;
type AssistantContent = Extract<LanguageModelV3Message, { role: "assistant" }>["content"];

function decodeUserPart(part: Json): UserPart | null {
  if (part.type === "text" && typeof part.text === "string") return { type: "text", text: part.text };
  if (part.type === "image_url") {
    const image = part.image_url;
    const url = typeof image === "string" ? image : isRecord(image) ? image.url : undefined;
    return typeof url === "string" ? filePart(url, "image/*") : null;
  }
  if (part.type === "file" && isRecord(part.file) && typeof part.file.file_data === "string") {
    const filename = typeof part.file.filename === "string" ? part.file.filename : undefined;
    return filePart(part.file.file_data, "application/pdf", filename);
  }
  return null;
}

function decodeUser(content: unknown): LanguageModelV3Message | null {
  if (typeof content === "string") return { role: "user", content: [{ type: "text", text: content }] };
  const parts = Array.isArray(content) ? content.filter(isRecord).flatMap((part) => decodeUserPart(part) ?? []) : [];
  return parts.length > 0 ? { role: "user", content: parts } : null;
}

function decodeAssistant(message: Json, toolNames: Map<string, string>): LanguageModelV3Message {
  const parts: AssistantContent = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === "string" && reasoning.length > 0) parts.push({ type: "reasoning", text: reasoning });
  const text = textOf(message.content);
  if (text.length > 0) parts.push({ type: "text", text });
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : []) {
    const fn = isRecord(call.function) ? call.function : {};
    if (typeof call.id !== "string" || typeof fn.name !== "string") continue;
    toolNames.set(call.id, fn.name);
    parts.push({ type: "tool-call", toolCallId: call.id, toolName: fn.name, input: parseArguments(fn.arguments) });
  }
  return { role: "assistant", content: parts };
}

function decodeMessages(messages: Json[]): LanguageModelV3Message[] {
  const prompt: LanguageModelV3Message[] = [];
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        prompt.push({ role: "system", content: textOf(message.content) });
        break;
      case "assistant":
        prompt.push(decodeAssistant(message, toolNames));
        break;
      case "tool": {
        const toolCallId = typeof message.tool_call_id === "string" ? message.tool_call_id : "";
        const value = textOf(message.content);
        const toolName = toolNames.get(toolCallId) ?? "";
        prompt.push({
          role: "tool",
          content: [{ type: "tool-result", toolCallId, toolName, output: { type: "text", value } }],
        });
        break;
      }
      default: {
        const user = decodeUser(message.content);
        if (user) prompt.push(user);
      }
    }
  }
  return prompt;
}

function decodeToolChoice(choice: unknown): LanguageModelV3ToolChoice | undefined {
  if (choice === "none" || choice === "auto" || choice === "required") return { type: choice };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === "string")
    return { type: "tool", toolName: choice.function.name };
  return undefined;
}

function decodeResponseFormat(format: unknown): NeutralCallOptions["responseFormat"] {
  if (!isRecord(format)) return undefined;
  return jsonFormat(format.type, isRecord(format.json_schema) ? format.json_schema : {});
}

function decodeStop(stop: unknown): string[] | undefined {
  if (typeof stop === "string") return [stop];
  return Array.isArray(stop) ? stop.filter((s): s is string => typeof s === "string") : undefined;
}

export function decodeOpenAIRequest(body: Json): NeutralRequest {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const effort = body.reasoning_effort;
  return {
    stream: body.stream === true,
    options: {
      prompt: decodeMessages(messages),
      maxOutputTokens: numberOr(body.max_completion_tokens) ?? numberOr(body.max_tokens),
      temperature: numberOr(body.temperature),
      topP: numberOr(body.top_p),
      stopSequences: decodeStop(body.stop),
      seed: numberOr(body.seed),
      tools: decodeFunctionTools(body.tools, (tool) => (isRecord(tool.function) ? tool.function : null)),
      toolChoice: decodeToolChoice(body.tool_choice),
      responseFormat: decodeResponseFormat(body.response_format),
    },
    ...(typeof body.user === "string" ? { user: body.user } : {}),
    ...(effort === "low" || effort === "medium" || effort === "high" ? { reasoningEffort: effort } : {}),
    ...(typeof body.parallel_tool_calls === "boolean" ? { parallelToolCalls: body.parallel_tool_calls } : {}),
  };
}
