import { z } from "zod";
import { SUBSCRIBABLE_EVENTS } from "@/lib/alerts/events";

export const TARGET_NAME_MAX = 100;
export const TARGET_URL_MAX = 2_000;

/** http(s) only, no credentials in the URL: the same rules the outbound policy enforces at send time. */
const webhookUrl = z
  .string()
  .trim()
  .min(1, "required")
  .max(TARGET_URL_MAX, "tooLong")
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === "";
    } catch {
      return false;
    }
  }, "invalidUrl");

export const targetSchema = z.object({
  name: z.string().trim().min(1, "required").max(TARGET_NAME_MAX, "tooLong"),
  kind: z.enum(["generic", "slack"]),
  url: webhookUrl,
  /** Write-only: undefined keeps the stored one, "" removes it. */
  secret: z.string().max(500, "tooLong").optional(),
  events: z.array(z.enum(SUBSCRIBABLE_EVENTS)).min(1, "noEventsChosen"),
  isEnabled: z.boolean(),
});

export type TargetFormInput = z.infer<typeof targetSchema>;
