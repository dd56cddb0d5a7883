import { z } from "zod";
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

export const createCredentialSchema = z.object({
  name: nameSchema,
  baseUrl: baseUrlSchema,
  apiKey: apiKeySchema.min(1, "required"),
});

export const updateCredentialSchema = z.object({
  name: nameSchema,
  baseUrl: baseUrlSchema,
  apiKey: apiKeySchema.optional().default(""),
});

export const idSchema = z.number().int().positive();
