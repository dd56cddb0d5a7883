import type { AttemptOutcome } from "@/db/attempt-outcomes";

/** The badge colour of each attempt outcome, in the logs and the playground alike. */
export const attemptOutcomeTone = {
  ok: "green",
  failed: "red",
  skipped: "gray",
  client_error: "amber",
  cancelled: "gray",
} as const satisfies Record<AttemptOutcome, string>;
