/** How one upstream attempt of a request ended; `cancelled` is a hedge's loser, aborted once the other won. */
export const ATTEMPT_OUTCOMES = ["ok", "failed", "skipped", "client_error", "cancelled"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
