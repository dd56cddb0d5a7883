import { z } from "zod";
import { GatewayError } from "./errors";
import { isRecord } from "./json-shape";

function optionalCount(name: string) {
  const error = `\`${name}\` must be a non-negative integer.`;
  return z.number({ error }).int({ error }).nonnegative({ error }).nullable().optional();
}

/**
 * Only what the gateway itself relies on is checked; everything else is the provider's
 * business and passes through. Messages are checked by a predicate rather than an object
 * schema so large conversations are not copied on the hot path.
 */
const chatRequestSchema = z.looseObject({
  model: z.string({ error: "`model` must be a string." }).min(1, { error: "`model` must not be empty." }),
  messages: z
    .array(z.custom<Record<string, unknown>>(isRecord, { error: "Each message must be an object." }), {
      error: "`messages` must be an array of message objects.",
    })
    .min(1, { error: "`messages` must contain at least one message." }),
  stream: z.boolean({ error: "`stream` must be a boolean." }).nullable().optional(),
  stream_options: z
    .looseObject({ include_usage: z.boolean({ error: "`include_usage` must be a boolean." }).nullable().optional() })
    .nullable()
    .optional(),
  max_tokens: optionalCount("max_tokens"),
  max_completion_tokens: optionalCount("max_completion_tokens"),
  n: z
    .number({ error: "`n` must be an integer from 1 to 128." })
    .int({ error: "`n` must be an integer from 1 to 128." })
    .min(1, { error: "`n` must be an integer from 1 to 128." })
    .max(128, { error: "`n` must be an integer from 1 to 128." })
    .nullable()
    .optional(),
});

export interface ChatRequest {
  /** The client's body, untouched; the zod output is not forwarded so nothing is lost or reordered. */
  body: Record<string, unknown>;
  model: string;
  isStream: boolean;
  estimateMessages: unknown;
  /** Whether the client asked for the usage chunk itself. */
  wantsUsage: boolean;
}

/** A zod failure of an OpenAI-style body as OpenAI's 400: the first issue, its field as `param`. */
export function invalidOpenAIRequest(error: z.ZodError, body: Record<string, unknown>): GatewayError {
  const issue = error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : null;
  const isMissing = issue?.path.length === 1 && body[String(issue.path[0])] === undefined;
  const message = isMissing && param ? `\`${param}\` is required.` : (issue?.message ?? "The request body is invalid.");
  return new GatewayError("invalid_request", message, { param });
}

export function validateChatRequest(body: Record<string, unknown>): ChatRequest {
  const result = chatRequestSchema.safeParse(body);
  if (!result.success) throw invalidOpenAIRequest(result.error, body);
  const streamOptions = result.data.stream_options;
  return {
    body,
    model: result.data.model,
    isStream: result.data.stream === true,
    estimateMessages: body.messages,
    wantsUsage: streamOptions?.include_usage === true,
  };
}
