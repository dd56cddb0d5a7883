import { z } from "zod";
import { settingsSchema } from "@/db/settings-schema";
import { PRICE_UNITS, WORK_KINDS } from "@/lib/work-kinds";

/*
 * What the provider form may send: text fields as typed (numbers arrive as strings). Error
 * messages are keys of the `Errors` namespace.
 */

/** Per-1M-token prices: 0 allowed, blank means 0. */
export const MAX_PRICE = 1_000_000;

function priceField() {
  return z
    .string({ error: "invalid" })
    .trim()
    .max(32, "tooLong")
    .transform((text, ctx) => {
      if (text === "") return 0;
      const value = Number(text);
      if (!Number.isFinite(value)) {
        ctx.addIssue({ code: "custom", message: "notANumber" });
        return z.NEVER;
      }
      if (value < 0 || value > MAX_PRICE) {
        ctx.addIssue({ code: "custom", message: "outOfRange" });
        return z.NEVER;
      }
      return value;
    });
}

/** Requests / tokens per minute: blank means no limit (null). */
function limitField() {
  return z
    .string({ error: "invalid" })
    .trim()
    .max(16, "tooLong")
    .default("")
    .transform((text, ctx) => {
      if (text === "") return null;
      const value = Number(text);
      if (!Number.isFinite(value)) {
        ctx.addIssue({ code: "custom", message: "notANumber" });
        return z.NEVER;
      }
      if (!Number.isInteger(value)) {
        ctx.addIssue({ code: "custom", message: "notAWholeNumber" });
        return z.NEVER;
      }
      if (value < 1 || value > 1_000_000_000) {
        ctx.addIssue({ code: "custom", message: "outOfRange" });
        return z.NEVER;
      }
      return value;
    });
}

/** The allowed range of each timeout: the same as the setting it overrides. */
export const TIMEOUT_RANGES = {
  connectTimeoutMs: rangeOf(settingsSchema.shape.connectTimeoutMs),
  firstTokenTimeoutMs: rangeOf(settingsSchema.shape.firstTokenTimeoutMs),
  totalTimeoutMs: rangeOf(settingsSchema.shape.totalTimeoutMs),
} as const;

function rangeOf(schema: z.ZodDefault<z.ZodNumber>): { min: number; max: number } {
  const inner = schema.unwrap();
  return { min: inner.minValue ?? 0, max: inner.maxValue ?? Number.MAX_SAFE_INTEGER };
}

/** Blank means "the settings' default" (null). */
function timeoutField({ min, max }: { min: number; max: number }) {
  return z
    .string({ error: "invalid" })
    .trim()
    .max(16, "tooLong")
    .transform((text, ctx) => {
      if (text === "") return null;
      const value = Number(text);
      if (!Number.isInteger(value)) {
        ctx.addIssue({ code: "custom", message: "notANumber" });
        return z.NEVER;
      }
      if (value < min || value > max) {
        ctx.addIssue({ code: "custom", message: "outOfRange" });
        return z.NEVER;
      }
      return value;
    });
}

// RFC 9110 token characters; values are one line of visible text (node refuses the rest).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,4000}$/;
// The gateway sets these itself; overriding them would break the request.
const RESERVED_HEADERS = new Set([
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "accept",
]);

/** A JSON object of header name → text value; blank means none. */
const extraHeadersField = z
  .string({ error: "invalid" })
  .max(10_000, "tooLong")
  .transform((text, ctx) => {
    if (text.trim() === "") return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "invalidJson" });
      return z.NEVER;
    }
    const record = z.record(z.string(), z.string()).safeParse(parsed);
    if (!record.success || Array.isArray(parsed)) {
      ctx.addIssue({ code: "custom", message: "invalidJson" });
      return z.NEVER;
    }
    for (const [name, value] of Object.entries(record.data)) {
      if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value) || RESERVED_HEADERS.has(name.toLowerCase())) {
        ctx.addIssue({ code: "custom", message: "invalidHeaders" });
        return z.NEVER;
      }
    }
    return record.data;
  });

export const providerSchema = z.object({
  name: z.string({ error: "invalid" }).trim().min(1, "required").max(100, "tooLong"),
  credentialId: z
    .string({ error: "required" })
    .trim()
    .regex(/^[1-9][0-9]{0,15}$/, "required")
    .transform(Number),
  upstreamModel: z.string({ error: "invalid" }).trim().min(1, "required").max(200, "tooLong"),
  priceInput: priceField(),
  priceOutput: priceField(),
  priceCached: priceField(),
  priceCacheWrite: priceField(),
  priceUnit: z.enum(PRICE_UNITS, { error: "invalid" }).default("none"),
  pricePerUnit: priceField().default(0),
  kinds: z
    .string({ error: "invalid" })
    .max(200, "tooLong")
    .default("")
    .transform((text, ctx) => {
      const names = text
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== "");
      if (names.some((name) => !(WORK_KINDS as readonly string[]).includes(name))) {
        ctx.addIssue({ code: "custom", message: "invalid" });
        return z.NEVER;
      }
      return WORK_KINDS.filter((kind) => names.includes(kind));
    }),
  connectTimeoutMs: timeoutField(TIMEOUT_RANGES.connectTimeoutMs),
  firstTokenTimeoutMs: timeoutField(TIMEOUT_RANGES.firstTokenTimeoutMs),
  totalTimeoutMs: timeoutField(TIMEOUT_RANGES.totalTimeoutMs),
  extraHeaders: extraHeadersField,
  rpm: limitField(),
  tpm: limitField(),
});

export type ProviderFormValues = z.input<typeof providerSchema>;

export const idSchema = z.number().int().positive();
export const enabledSchema = z.boolean();
