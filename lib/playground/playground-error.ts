import { z } from "zod";
import { turnMetadataSchema, type TurnMetadata } from "./turn-metadata";

/** Every failure the playground can report; the page shows each one translated. */
export const playgroundErrorCodes = [
  "unauthorized",
  "forbidden",
  "invalid_request",
  "request_too_large",
  "group_not_found",
  "no_provider_available",
  "upstream_error",
  "upstream_timeout",
  "rate_limited",
  "provider_rejected",
  "interrupted",
  "server_shutting_down",
  "unexpected",
] as const;

export type PlaygroundErrorCode = (typeof playgroundErrorCodes)[number];

/**
 * The error text the browser receives: JSON with a code and, when the gateway got that far,
 * the turn's log row (so a failed turn still shows its attempts). Route refusals (401, 400,
 * 404) use the same shape as their body.
 */
export const playgroundErrorSchema = z.object({
  code: z.enum(playgroundErrorCodes),
  turn: turnMetadataSchema.optional(),
});

export type PlaygroundError = z.infer<typeof playgroundErrorSchema>;

export function encodePlaygroundError(code: PlaygroundErrorCode, turn?: TurnMetadata): string {
  return JSON.stringify(turn ? { code, turn } : { code });
}

/** Reads an error message from the chat transport; anything unexpected becomes "unexpected". */
export function readPlaygroundError(message: string): PlaygroundError {
  try {
    const parsed = playgroundErrorSchema.safeParse(JSON.parse(message));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: a network failure or a proxy's error page.
  }
  return { code: "unexpected" };
}
