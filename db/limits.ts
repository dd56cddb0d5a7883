import { z } from "zod";

/*
 * The limits an operator sets, one shape for the database, the dashboard, the CLI and the
 * configuration document. Null means no limit. Enforced by lib/limits.
 */

/** Requests and tokens (input + output) per minute. */
export interface RateLimits {
  rpm: number | null;
  tpm: number | null;
}

/** An API key's ceilings: rates, requests in flight, and USD spend per UTC day, UTC month, in total. */
export interface KeyLimits extends RateLimits {
  maxConcurrent: number | null;
  budgetDay: number | null;
  budgetMonth: number | null;
  budgetTotal: number | null;
}

export const NO_RATE_LIMITS: RateLimits = { rpm: null, tpm: null };
export const NO_KEY_LIMITS: KeyLimits = {
  ...NO_RATE_LIMITS,
  maxConcurrent: null,
  budgetDay: null,
  budgetMonth: null,
  budgetTotal: null,
};

const count = z.number().int("expected a whole number").min(1, "expected 1 or more").max(1_000_000_000).nullable();
const usd = z.number().positive("expected more than 0").max(1_000_000_000).nullable();

export const rateLimitsSchema = z.object({ rpm: count.default(null), tpm: count.default(null) });

export const keyLimitsSchema = rateLimitsSchema.extend({
  maxConcurrent: count.default(null),
  budgetDay: usd.default(null),
  budgetMonth: usd.default(null),
  budgetTotal: usd.default(null),
});

export const KEY_LIMIT_FIELDS = ["rpm", "tpm", "maxConcurrent", "budgetDay", "budgetMonth", "budgetTotal"] as const;
export type KeyLimitField = (typeof KEY_LIMIT_FIELDS)[number];
