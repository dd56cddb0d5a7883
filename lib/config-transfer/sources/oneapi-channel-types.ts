/*
 * one-api / new-api channel types (one-api `relay/channeltype/define.go`, new-api
 * `constant/channel.go`): the number stored in `channels.type`. Only the types whose upstream
 * speaks the OpenAI or Anthropic wire protocol can become our endpoints; the rest (Azure's
 * deployment URLs, Baidu, Gemini's native API, AWS, Vertex…) have no equivalent and are skipped.
 */
export interface ChannelKind {
  protocol: "openai" | "anthropic";
  /** Used when the channel's base_url is empty, as one-api does. */
  defaultBaseUrl: string;
}

const openai = (defaultBaseUrl: string): ChannelKind => ({ protocol: "openai", defaultBaseUrl });

export const CHANNEL_KINDS: Readonly<Record<number, ChannelKind>> = {
  1: openai("https://api.openai.com"), // OpenAI
  2: openai("https://oa.api2d.net"), // API2D
  4: openai("https://api.closeai-proxy.xyz"), // CloseAI
  5: openai("https://api.openai-sb.com"), // OpenAI-SB
  7: openai("https://api.ohmygpt.com"), // OhMyGPT
  8: openai(""), // Custom (base_url required)
  14: { protocol: "anthropic", defaultBaseUrl: "https://api.anthropic.com" }, // Anthropic
  20: openai("https://openrouter.ai/api"), // OpenRouter
  25: openai("https://api.moonshot.cn"), // Moonshot
  28: openai("https://api.mistral.ai"), // Mistral
  29: openai("https://api.groq.com/openai"), // Groq
  30: openai("http://localhost:11434"), // Ollama (its /v1 is OpenAI-compatible)
  31: openai("https://api.lingyiwanwu.com"), // 01.AI
  36: openai("https://api.deepseek.com"), // DeepSeek
  39: openai("https://api.together.xyz"), // together.ai
  44: openai("https://api.siliconflow.cn"), // SiliconFlow
  45: openai("https://api.x.ai"), // xAI
  50: openai(""), // OpenAI-compatible (one-api ≥ 0.6.10)
};

/** one-api stores the host (`https://api.openai.com`); our OpenAI-compatible endpoints end in /v1. */
export function endpointBaseUrl(kind: ChannelKind, baseUrl: string): string {
  const url = (baseUrl.trim() || kind.defaultBaseUrl).replace(/\/+$/, "");
  if (url === "" || kind.protocol === "anthropic" || /\/v\d+$/.test(url)) return url;
  return `${url}/v1`;
}
