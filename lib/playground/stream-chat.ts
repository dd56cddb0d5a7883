import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { convertToModelMessages, streamText } from "ai";
import { handleChatCompletionsAs } from "../gateway/chat-completions";
import type { CallLogRecord, GatewayRuntime, TrustedCaller } from "../gateway/types";
import type { PlaygroundMessage } from "./chat-request";
import { toFailureCode } from "./failure-code";
import { encodePlaygroundError } from "./playground-error";
import { toTurnMetadata } from "./turn-metadata";

/** The key name the playground's requests carry in the call log. */
export const PLAYGROUND_CALLER_NAME = "dashboard playground";

// Never resolved: the custom fetch below hands every request to the gateway in-process.
const IN_PROCESS_BASE_URL = "http://gateway.internal/v1";

export interface PlaygroundChatInput {
  runtime: GatewayRuntime;
  group: string;
  messages: PlaygroundMessage[];
  /** The browser's request signal: stopping the chat aborts the upstream call. */
  signal: AbortSignal;
}

/**
 * One playground turn: the conversation goes through the real gateway path (routing,
 * breakers, failover, keywords, one log row) as the admin, and streams back as a UI message
 * stream. At the finish, the turn's log row rides along as message metadata.
 */
export async function streamPlaygroundChat(input: PlaygroundChatInput): Promise<Response> {
  let record: Readonly<CallLogRecord> | null = null;
  const caller: TrustedCaller = {
    name: PLAYGROUND_CALLER_NAME,
    onLogged(finished) {
      record = finished;
    },
  };
  const gateway = createOpenAICompatible({
    name: "gateway",
    baseURL: IN_PROCESS_BASE_URL,
    includeUsage: true,
    fetch: async (url, init) => handleChatCompletionsAs(new Request(url, init), input.runtime, caller),
  });
  const result = streamText({
    model: gateway.chatModel(input.group),
    messages: await convertToModelMessages(input.messages),
    abortSignal: input.signal,
    // One turn is one gateway request; failing over between providers is the gateway's job.
    maxRetries: 0,
    // The gateway's log row already records every failure; nothing for the server console.
    onError: () => undefined,
  });
  return result.toUIMessageStreamResponse({
    headers: { "cache-control": "no-cache, no-transform" },
    // The gateway pushes the row before it closes the stream, so it is there at the finish.
    messageMetadata: ({ part }) => (part.type === "finish" && record ? toTurnMetadata(record) : undefined),
    onError: (error) =>
      encodePlaygroundError(toFailureCode(error, record), record ? toTurnMetadata(record) : undefined),
  });
}
