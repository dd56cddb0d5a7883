import { isRecord } from "./json-shape";
import type { ProviderConfig } from "./types";
import type { PriceUnit } from "../work-kinds";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens read from the provider's prompt cache (billed at the cached price). */
  cachedTokens: number;
  /** Prompt tokens written to the prompt cache (Anthropic's `cache_creation_input_tokens`). */
  cacheWriteTokens: number;
}

export interface SettledUsage extends TokenUsage {
  cost: number;
  isEstimated: boolean;
}

function readCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** OpenAI's `usage` object, or null when the provider sent none we can read. */
export function readUsage(value: unknown): TokenUsage | null {
  if (!isRecord(value)) return null;
  if (typeof value.prompt_tokens !== "number" && typeof value.completion_tokens !== "number") return null;
  const promptTokens = readCount(value.prompt_tokens);
  const details = value.prompt_tokens_details;
  const cached = isRecord(details) ? readCount(details.cached_tokens) : 0;
  return {
    promptTokens,
    completionTokens: readCount(value.completion_tokens),
    cachedTokens: Math.min(cached, promptTokens),
    cacheWriteTokens: 0,
  };
}

/** Prices are per 1M tokens; cache reads and cache writes are billed at their own prices instead. */
export function calculateCost(usage: TokenUsage, provider: ProviderConfig): number {
  const uncached = Math.max(0, usage.promptTokens - usage.cachedTokens - usage.cacheWriteTokens);
  return (
    (uncached * provider.priceInput +
      usage.cachedTokens * provider.priceCached +
      usage.cacheWriteTokens * provider.priceCacheWrite +
      usage.completionTokens * provider.priceOutput) /
    1_000_000
  );
}

/** A provider's price for non-token units: per image, per second of audio, per 1M characters. */
export function unitCost(provider: ProviderConfig, unit: PriceUnit, units: number): number {
  if (unit === "none" || provider.priceUnit !== unit) return 0;
  return (units * provider.pricePerUnit) / (unit === "character" ? 1_000_000 : 1);
}

/** About four characters per token: rough, but only used when the provider reports nothing. */
export function estimateTokens(characters: number): number {
  return characters > 0 ? Math.max(1, Math.ceil(characters / 4)) : 0;
}

function countContentCharacters(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) {
    if (isRecord(part) && typeof part.text === "string") total += part.text.length;
  }
  return total;
}

/** Text characters of the request's messages (text parts, tool-call arguments), for estimates. */
export function countMessageCharacters(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let total = 0;
  for (const message of messages) {
    if (!isRecord(message)) continue;
    total += countContentCharacters(message.content);
    if (Array.isArray(message.tool_calls)) total += countToolCallCharacters(message.tool_calls);
  }
  return total;
}

export function countToolCallCharacters(toolCalls: readonly unknown[]): number {
  let total = 0;
  for (const call of toolCalls) {
    if (!isRecord(call) || !isRecord(call.function)) continue;
    const { name, arguments: args } = call.function;
    if (typeof name === "string") total += name.length;
    if (typeof args === "string") total += args.length;
  }
  return total;
}

export interface UsageEstimateInput {
  messages: unknown;
  completionCharacters: number;
}

/** Exact usage and cost when reported, otherwise an estimate marked as such. */
export function settleUsage(
  reported: TokenUsage | null,
  estimate: UsageEstimateInput,
  provider: ProviderConfig,
): SettledUsage {
  const usage: TokenUsage = reported ?? {
    promptTokens: estimateTokens(countMessageCharacters(estimate.messages)),
    completionTokens: estimateTokens(estimate.completionCharacters),
    cachedTokens: 0,
    cacheWriteTokens: 0,
  };
  return { ...usage, cost: calculateCost(usage, provider), isEstimated: reported === null };
}
