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
 * OpenAI Responses API request → neutral form: `instructions`, `input` (a string, or items:
 * messages, function_call, function_call_output), function tools, `tool_choice`, `text.format`,
 * `reasoning.effort`, `max_output_tokens`. Items only OpenAI can replay (reasoning with
 * encrypted content, hosted tools' calls, item references) and hosted tools are left out.
 */

type Json = Record<string, unknown>;
type UserPart = LanguageModelV3TextPart | LanguageModelV3FilePart;
type AssistantContent = Extract<LanguageModelV3Message, { role: "assistant" }>["content"];

function decodeInputPart(part: Json): UserPart | null {
  if ((part.type === "input_text" || part.type === "output_text") && typeof part.text === "string")
    return { type: "text", text: part.text };
  if (part.type === "input_image" && typeof part.image_url === "string") return filePart(part.image_url, "image/*");
  if (part.type === "input_file" && typeof part.file_data === "string") {
    const filename = typeof part.filename === "string" ? part.filename : undefined;
    return filePart(part.file_data, "application/pdf", filename);
  }
  return null;
}

/** Consecutive function calls belong to one assistant turn. */
function pushAssistant(prompt: LanguageModelV3Message[], parts: AssistantContent): void {
  const last = prompt.at(-1);
  if (last?.role === "assistant") last.content.push(...parts);
  else prompt.push({ role: "assistant", content: parts });
}

function decodeMessage(item: Json, prompt: LanguageModelV3Message[]): void {
  const role = item.role;
  if (role === "system" || role === "developer") {
    prompt.push({ role: "system", content: textOf(item.content) });
    return;
  }
  if (role === "assistant") {
    const text = textOf(item.content);
    if (text.length > 0) pushAssistant(prompt, [{ type: "text", text }]);
    return;
  }
  const content =
    typeof item.content === "string"
      ? [{ type: "text" as const, text: item.content }]
      : Array.isArray(item.content)
        ? item.content.filter(isRecord).flatMap((part) => decodeInputPart(part) ?? [])
        : [];
  if (content.length > 0) prompt.push({ role: "user", content });
}

function decodeInput(input: unknown, prompt: LanguageModelV3Message[]): void {
  if (typeof input === "string") {
    prompt.push({ role: "user", content: [{ type: "text", text: input }] });
    return;
  }
  const toolNames = new Map<string, string>();
  for (const item of Array.isArray(input) ? input.filter(isRecord) : []) {
    const type = item.type ?? "message";
    if (type === "message") decodeMessage(item, prompt);
    else if (type === "function_call" && typeof item.call_id === "string" && typeof item.name === "string") {
      toolNames.set(item.call_id, item.name);
      pushAssistant(prompt, [
        { type: "tool-call", toolCallId: item.call_id, toolName: item.name, input: parseArguments(item.arguments) },
      ]);
    } else if (type === "function_call_output" && typeof item.call_id === "string") {
      const value = textOf(item.output);
      const result = {
        type: "tool-result" as const,
        toolCallId: item.call_id,
        toolName: toolNames.get(item.call_id) ?? "",
        output: { type: "text" as const, value },
      };
      const last = prompt.at(-1);
      if (last?.role === "tool") last.content.push(result);
      else prompt.push({ role: "tool", content: [result] });
    }
  }
}

function decodeToolChoice(choice: unknown): LanguageModelV3ToolChoice | undefined {
  if (choice === "none" || choice === "auto" || choice === "required") return { type: choice };
  if (isRecord(choice) && choice.type === "function" && typeof choice.name === "string")
    return { type: "tool", toolName: choice.name };
  return undefined;
}

function decodeFormat(text: unknown): NeutralCallOptions["responseFormat"] {
  const format = isRecord(text) ? text.format : undefined;
  return isRecord(format) ? jsonFormat(format.type, format) : undefined;
}

function decodeEffort(reasoning: unknown): NeutralRequest["reasoningEffort"] {
  const effort = isRecord(reasoning) ? reasoning.effort : undefined;
  if (effort === "minimal") return "low";
  return effort === "low" || effort === "medium" || effort === "high" ? effort : undefined;
}

export function decodeResponsesRequest(body: Json): NeutralRequest {
  const prompt: LanguageModelV3Message[] = [];
  if (typeof body.instructions === "string" && body.instructions.length > 0)
    prompt.push({ role: "system", content: body.instructions });
  decodeInput(body.input, prompt);
  const reasoningEffort = decodeEffort(body.reasoning);
  return {
    stream: body.stream === true,
    options: {
      prompt,
      maxOutputTokens: numberOr(body.max_output_tokens),
      temperature: numberOr(body.temperature),
      topP: numberOr(body.top_p),
      // Hosted tools (web search, file search, code interpreter…) exist only on OpenAI's side.
      tools: decodeFunctionTools(body.tools, (tool) => tool),
      toolChoice: decodeToolChoice(body.tool_choice),
      responseFormat: decodeFormat(body.text),
    },
    ...(typeof body.user === "string" ? { user: body.user } : {}),
    ...(reasoningEffort ? { reasoningEffort } : {}),
    ...(typeof body.parallel_tool_calls === "boolean" ? { parallelToolCalls: body.parallel_tool_calls } : {}),
  };
}
