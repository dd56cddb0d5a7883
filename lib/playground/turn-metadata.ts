import { z } from "zod";
import { ATTEMPT_OUTCOMES } from "../../db/attempt-outcomes";
import type { CallLogRecord } from "../gateway/types";

// Reasons are plain words from the gateway (never a key or URL); long ones are cut for the chat.
const REASON_CHARS = 300;

export const turnAttemptSchema = z.object({
  providerName: z.string(),
  status: z.number().int().nullable(),
  latencyMs: z.number(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  reason: z.string().nullable(),
});

/** What the playground shows under one assistant turn: the gateway's log row of that request. */
export const turnMetadataSchema = z.object({
  requestId: z.string(),
  group: z.string().nullable(),
  providerName: z.string().nullable(),
  status: z.number().int(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  cachedTokens: z.number(),
  isUsageEstimated: z.boolean(),
  cost: z.number(),
  latencyMs: z.number(),
  ttftMs: z.number().nullable(),
  attempts: z.array(turnAttemptSchema),
});

export type TurnAttempt = z.infer<typeof turnAttemptSchema>;
export type TurnMetadata = z.infer<typeof turnMetadataSchema>;

export function toTurnMetadata(record: Readonly<CallLogRecord>): TurnMetadata {
  return {
    requestId: record.requestId,
    group: record.groupName,
    providerName: record.providerName,
    status: record.status,
    promptTokens: record.promptTokens,
    completionTokens: record.completionTokens,
    cachedTokens: record.cachedTokens,
    isUsageEstimated: record.isUsageEstimated,
    cost: record.cost,
    latencyMs: record.latencyMs,
    ttftMs: record.ttftMs,
    attempts: record.attempts.map((attempt) => ({
      providerName: attempt.providerName,
      status: attempt.status,
      latencyMs: attempt.latencyMs,
      outcome: attempt.outcome,
      reason: attempt.reason === null ? null : attempt.reason.slice(0, REASON_CHARS),
    })),
  };
}

/** The metadata of a turn, or null when it carries none (a stopped turn) or something else. */
export function readTurnMetadata(value: unknown): TurnMetadata | null {
  const parsed = turnMetadataSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
