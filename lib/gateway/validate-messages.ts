import { z } from "zod";
import { GatewayError } from "./errors";
import { isRecord } from "./json-shape";
import type { IngressRequest } from "./serve-request";

/*
 * What the gateway relies on in an Anthropic Messages body; the rest is the provider's
 * business and passes through. Errors name the field, as Anthropic's own 400s do.
 */

const block = z.custom<Record<string, unknown>>((value) => isRecord(value) && typeof value.type === "string", {
  error: "Each content block must be an object with a string `type`.",
});

const messageSchema = z.looseObject({
  role: z.enum(["user", "assistant"], { error: '`role` must be "user" or "assistant".' }),
  content: z.union([z.string(), z.array(block)], {
    error: "`content` must be a string or an array of content blocks.",
  }),
});

const messagesRequestSchema = z.looseObject({
  model: z.string({ error: "`model` must be a string." }).min(1, { error: "`model` must not be empty." }),
  max_tokens: z
    .number({ error: "`max_tokens` must be a positive integer." })
    .int({ error: "`max_tokens` must be a positive integer." })
    .positive({ error: "`max_tokens` must be a positive integer." }),
  messages: z.array(messageSchema, { error: "`messages` must be an array of messages." }),
  system: z
    .union([z.string(), z.array(block)], { error: "`system` must be a string or an array of text blocks." })
    .optional(),
  stream: z.boolean({ error: "`stream` must be a boolean." }).optional(),
  stop_sequences: z.array(z.string(), { error: "`stop_sequences` must be an array of strings." }).optional(),
  temperature: z.number({ error: "`temperature` must be a number." }).optional(),
  top_p: z.number({ error: "`top_p` must be a number." }).optional(),
  tools: z
    .array(z.looseObject({ name: z.string({ error: "Each tool needs a string `name`." }) }), {
      error: "`tools` must be an array of tools.",
    })
    .optional(),
  tool_choice: z.looseObject({ type: z.string({ error: "`tool_choice.type` must be a string." }) }).optional(),
});

const countTokensSchema = messagesRequestSchema.omit({ max_tokens: true, stream: true, stop_sequences: true });

export type MessagesRequest = IngressRequest;

function invalid(error: z.ZodError, body: Record<string, unknown>): GatewayError {
  const issue = error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : null;
  const isMissing = issue?.path.length === 1 && body[String(issue.path[0])] === undefined;
  const message =
    isMissing && param ? `${param}: Field required` : `${param ? `${param}: ` : ""}${issue?.message ?? "invalid"}`;
  return new GatewayError("invalid_request", message, { param });
}

function estimateMessages(body: Record<string, unknown>): unknown {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return body.system === undefined ? messages : [{ content: body.system }, ...messages];
}

export function validateMessagesRequest(body: Record<string, unknown>): MessagesRequest {
  const result = messagesRequestSchema.safeParse(body);
  if (!result.success) throw invalid(result.error, body);
  return {
    body,
    model: result.data.model,
    isStream: result.data.stream === true,
    estimateMessages: estimateMessages(body),
  };
}

export function validateCountTokensRequest(body: Record<string, unknown>): MessagesRequest {
  const result = countTokensSchema.safeParse(body);
  if (!result.success) throw invalid(result.error, body);
  return { body, model: result.data.model, isStream: false, estimateMessages: estimateMessages(body) };
}
