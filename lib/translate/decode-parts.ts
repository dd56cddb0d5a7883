import type { LanguageModelV3FilePart } from "@ai-sdk/provider";
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
