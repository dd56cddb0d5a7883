import type { JSONSchema7, LanguageModelV3FilePart, LanguageModelV3FunctionTool } from "@ai-sdk/provider";
import type { NeutralCallOptions } from "./neutral";
import { isRecord } from "../gateway/json-shape";

/* What the OpenAI-family request decoders (chat completions, Responses) read alike. */

const DATA_URL = /^data:([^;,]+)(;base64)?,(.*)$/s;

/** An image or file URL: a data URL becomes base64 data, anything else stays a URL; null if invalid. */
export function filePart(url: string, fallbackType: string, filename?: string): LanguageModelV3FilePart | null {
  const named = filename !== undefined ? { filename } : {};
  const match = DATA_URL.exec(url);
  if (match) {
    const data = match[2] ? match[3]! : Buffer.from(decodeURIComponent(match[3]!)).toString("base64");
    return { type: "file", mediaType: match[1]!, data, ...named };
  }
  try {
    return { type: "file", mediaType: fallbackType, data: new URL(url), ...named };
  } catch {
    return null;
  }
}

/** A string content, or the text parts of an array joined. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
}

/** A tool call's JSON arguments as a value; `{}` when empty or not JSON. */
export function parseArguments(text: unknown): unknown {
  if (typeof text !== "string" || text.trim().length === 0) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

export function numberOr(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * Function tools, each read from where its protocol keeps name, description and parameters
 * (`tool.function` in chat completions, the tool itself in the Responses API); others are skipped.
 */
export function decodeFunctionTools(
  tools: unknown,
  definitionOf: (tool: Record<string, unknown>) => Record<string, unknown> | null,
): LanguageModelV3FunctionTool[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  const decoded: LanguageModelV3FunctionTool[] = [];
  for (const tool of tools.filter(isRecord)) {
    const definition = tool.type === "function" ? definitionOf(tool) : null;
    if (!definition || typeof definition.name !== "string") continue;
    const { name, description, parameters } = definition;
    decoded.push({
      type: "function",
      name,
      ...(typeof description === "string" ? { description } : {}),
      inputSchema: (isRecord(parameters) ? parameters : { type: "object", properties: {} }) as JSONSchema7,
    });
  }
  return decoded.length > 0 ? decoded : undefined;
}

/** A JSON output format: `json_object`, or `json_schema` with its schema and name from `spec`. */
export function jsonFormat(type: unknown, spec: Record<string, unknown>): NeutralCallOptions["responseFormat"] {
  if (type === "json_object") return { type: "json" };
  if (type !== "json_schema") return undefined;
  return {
    type: "json",
    ...(isRecord(spec.schema) ? { schema: spec.schema as JSONSchema7 } : {}),
    ...(typeof spec.name === "string" ? { name: spec.name } : {}),
  };
}
