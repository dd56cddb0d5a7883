import { ENDPOINT_PROTOCOLS } from "@/db/schema";
import { z } from "zod";
import { FORWARD_HEADER_PATTERN, MAX_FORWARD_HEADERS } from "@/db/queries/credentials";
import { DEFAULT_FORWARD_HEADERS } from "@/lib/gateway/forward-headers";
import { checkOutboundUrl } from "@/lib/http/address-policy";

/*
 * What the endpoint form may send. Error messages are keys of the `Errors` namespace. The key
 * is write-only: on edit a blank key means "keep the stored one".
 */

function isAllowedBaseUrl(value: string): boolean {
  try {
    // The outbound client's own rules: http(s), no credentials in the URL, no metadata address.
    checkOutboundUrl(value);
    return true;
  } catch {
    return false;
  }
}

const nameSchema = z.string({ error: "invalid" }).trim().min(1, "required").max(100, "tooLong");
const baseUrlSchema = z
  .string({ error: "invalid" })
  .trim()
  .min(1, "required")
  .max(2_000, "tooLong")
  .refine(isAllowedBaseUrl, "invalidUrl");
// Printable ASCII without spaces: anything else cannot travel in an Authorization header.
const apiKeySchema = z
  .string({ error: "invalid" })
  .trim()
  .max(1_000, "tooLong")
  .regex(/^[\x21-\x7e]*$/, "invalidApiKey");

// Header names (or `prefix*`), separated by commas, spaces or lines. The default list is
// stored as null, so an endpoint keeps following the documented default when it changes.
const forwardHeadersSchema = z
  .string({ error: "invalid" })
  .max(2_000, "tooLong")
  .transform((text) =>
    text
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean),
  )
  .refine(
    (names) => names.length <= MAX_FORWARD_HEADERS && names.every((name) => FORWARD_HEADER_PATTERN.test(name)),
    "invalidHeaderList",
  )
  .transform((names) =>
    names.length === DEFAULT_FORWARD_HEADERS.length && names.every((name, i) => name === DEFAULT_FORWARD_HEADERS[i])
      ? null
      : names,
  );

const passthrough = {
  forwardHeaders: forwardHeadersSchema.optional(),
  streamUsage: z.boolean({ error: "invalid" }).optional(),
  protocol: z.enum(ENDPOINT_PROTOCOLS, { error: "invalid" }).optional(),
};

export const createCredentialSchema = z.object({
  name: nameSchema,
  baseUrl: baseUrlSchema,
  apiKey: apiKeySchema.min(1, "required"),
  ...passthrough,
});

export const updateCredentialSchema = z.object({
  name: nameSchema,
  baseUrl: baseUrlSchema,
  apiKey: apiKeySchema.optional().default(""),
  ...passthrough,
});

export const idSchema = z.number().int().positive();
