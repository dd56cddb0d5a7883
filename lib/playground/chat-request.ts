import { z } from "zod";

const MAX_TEXT_CHARS = 100_000;
const MAX_MESSAGES = 200;
const MAX_PARTS = 200;

const partSchema = z.union([
  z.object({ type: z.literal("text"), text: z.string().max(MAX_TEXT_CHARS) }),
  // Step markers, reasoning and the like carry nothing the next turn needs.
  z.object({ type: z.string().max(64) }).transform(() => null),
]);

const messageSchema = z.object({
  id: z.string().max(200),
  role: z.enum(["user", "assistant"]),
  parts: z
    .array(partSchema)
    .max(MAX_PARTS)
    .transform((parts) => parts.filter((part) => part !== null)),
});

/** The body useChat's transport sends to /api/playground, plus the chosen group. */
export const playgroundRequestSchema = z.object({
  group: z.string().trim().min(1).max(200),
  messages: z.array(messageSchema).min(1).max(MAX_MESSAGES),
});

export type PlaygroundRequest = z.infer<typeof playgroundRequestSchema>;
export type PlaygroundMessage = PlaygroundRequest["messages"][number];
