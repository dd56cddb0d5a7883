import { z } from "zod";

/** What the Local servers scan accepts: the addresses the admin added. */
export const MAX_ADDED_URLS = 10;

export const scanSchema = z.object({
  urls: z
    .array(z.string({ error: "invalid" }).trim().min(1, "required").max(2_000, "tooLong"))
    .max(MAX_ADDED_URLS, "tooLong"),
});
