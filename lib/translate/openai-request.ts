import type {
  LanguageModelV3DataContent,
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3ToolResultOutput,
} from "@ai-sdk/provider";
import type { NeutralRequest } from "./neutral";

/* Neutral form → OpenAI chat completions request body. */

type Json = Record<string, unknown>;

function dataUrl(data: LanguageModelV3DataContent | URL, mediaType: string): string {
  if (data instanceof URL) return data.href;
  const base64 = typeof data === "string" ? data : Buffer.from(data).toString("base64");
  return `data:${mediaType};base64,${base64}`;
}

function encodeFile(part: LanguageModelV3FilePart): Json {
  if (part.mediaType.startsWith("image/")) {
    return {
      type: "image_url",
      image_url: { url: dataUrl(part.data, part.mediaType === "image/*" ? "image/png" : part.mediaType) },
    };
  }
  if (part.data instanceof URL) return { type: "text", text: part.data.href };
  return {
    type: "file",
    file: { filename: part.filename ?? "document.pdf", file_data: dataUrl(part.data, part.mediaType) },
  };
}

function encodeToolOutput(output: LanguageModelV3ToolResultOutput): string {
  switch (output.type) {
    case "text":
    case "error-text":
      return output.value;
    case "json":
    case "error-json":
      return JSON.stringify(output.value);
    case "execution-denied":
      return output.reason ?? "The tool call was denied.";
    case "content":
      return output.value.map((item) => (item.type === "text" ? item.text : "")).join("");
  }
}

function encodeMessage(message: LanguageModelV3Message): Json[] {
  switch (message.role) {
    case "system":
      return [{ role: "system", content: message.content }];
    case "user": {
      const parts = message.content.map((part) =>
        part.type === "text" ? { type: "text", text: part.text } : encodeFile(part),
      );
      const isPlain = parts.length === 1 && parts[0]!.type === "text";
      return [{ role: "user", content: isPlain ? parts[0]!.text : parts }];
    }
    case "assistant": {
      let text = "";
      const toolCalls: Json[] = [];
      for (const part of message.content) {
        if (part.type === "text") text += part.text;
        else if (part.type === "tool-call")
          toolCalls.push({
            id: part.toolCallId,
            type: "function",
            function: {
              name: part.toolName,
              arguments: typeof part.input === "string" ? part.input : JSON.stringify(part.input),
            },
          });
      }
      const encoded: Json = { role: "assistant", content: text.length > 0 || toolCalls.length === 0 ? text : null };
      if (toolCalls.length > 0) encoded.tool_calls = toolCalls;
      return [encoded];
    }
    case "tool":
      return message.content.flatMap((part) =>
        part.type === "tool-result"
          ? [{ role: "tool", tool_call_id: part.toolCallId, content: encodeToolOutput(part.output) }]
          : [],
      );
  }
}

export function encodeOpenAIRequest(request: NeutralRequest, model: string): Json {
  const { options } = request;
  const body: Json = { model, messages: options.prompt.flatMap(encodeMessage) };
  if (request.stream) {
    body.stream = true;
    // The answer is translated back, and its usage is part of the translation.
    body.stream_options = { include_usage: true };
  }
  if (options.maxOutputTokens !== undefined) body.max_tokens = options.maxOutputTokens;
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.topP !== undefined) body.top_p = options.topP;
  if (options.stopSequences !== undefined && options.stopSequences.length > 0) body.stop = options.stopSequences;
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.tools !== undefined) {
    body.tools = options.tools.flatMap((tool) =>
      tool.type === "function"
        ? [
            {
              type: "function",
              function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
            },
          ]
        : [],
    );
  }
  const choice = options.toolChoice;
  if (choice !== undefined) {
    body.tool_choice = choice.type === "tool" ? { type: "function", function: { name: choice.toolName } } : choice.type;
  }
  if (options.responseFormat?.type === "json") {
    body.response_format = options.responseFormat.schema
      ? {
          type: "json_schema",
          json_schema: { name: options.responseFormat.name ?? "response", schema: options.responseFormat.schema },
        }
      : { type: "json_object" };
  }
  if (request.parallelToolCalls !== undefined && options.tools !== undefined)
    body.parallel_tool_calls = request.parallelToolCalls;
  if (request.user !== undefined) body.user = request.user;
  if (request.reasoningEffort !== undefined) body.reasoning_effort = request.reasoningEffort;
  return body;
}
