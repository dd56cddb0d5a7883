import { z } from "zod";
import { fail } from "./attempt-result";
import { encodeUtf8 } from "./bytes";
import type { Billing } from "./chat-responses";
import { serializeError, toErrorResponse } from "./errors";
import { createBodyTemplate } from "./json-model-edit";
import { passthroughRoute } from "./provider-route";
import { serveIngress, type Ingress, type IngressRequest } from "./serve-request";
import { SseInspector } from "./sse-inspector";
import type { GatewayRuntime } from "./types";
import { invalidOpenAIRequest } from "./validate-chat";
import type { UpstreamWire } from "./wire";

/*
 * POST /v1/audio/speech: text in, audio bytes out. The JSON body goes to the group's
 * OpenAI-compatible audio providers with `model` replaced; the audio streams back as the
 * provider sends it, committed on its first byte (failover before that). Billed per character
 * of `input`.
 */

const schema = z.looseObject({
  model: z.string({ error: "`model` must be a string naming a group." }).min(1, {
    error: "`model` must not be empty.",
  }),
  input: z
    .string({ error: "`input` must be a string." })
    .min(1, { error: "`input` must not be empty." })
    .max(4096, { error: "`input` must be at most 4096 characters." }),
  voice: z.union([z.string().min(1), z.looseObject({ id: z.string() })], {
    error: "`voice` must name a voice.",
  }),
  speed: z
    .number({ error: "`speed` must be a number from 0.25 to 4." })
    .min(0.25, { error: "`speed` must be a number from 0.25 to 4." })
    .max(4, { error: "`speed` must be a number from 0.25 to 4." })
    .optional(),
});

const SPEECH_WIRE: UpstreamWire = {
  protocol: "openai",
  operation: "speech",
  // Speech answers are committed on their first byte, never parsed.
  inspectJson: () => fail("speech answers are streamed"),
  createInspector: (keywords, hitSink, now) => new SseInspector(keywords, hitSink, now),
};

function characterBilling(input: string): Billing {
  return { unit: "character", count: () => input.length };
}

const SPEECH_INGRESS: Ingress<IngressRequest> = {
  api: "audio.speech",
  kinds: ["audio"],
  validate(body) {
    const result = schema.safeParse(body);
    if (!result.success) throw invalidOpenAIRequest(result.error, body);
    return {
      body,
      model: result.data.model,
      isStream: false,
      isRaw: true,
      estimateMessages: [{ content: result.data.input }],
      billing: characterBilling(result.data.input),
    };
  },
  renderError: toErrorResponse,
  renderErrorEvent: (error) => encodeUtf8(`data: ${serializeError(error)}\n\n`),
  routeFor(_parsed, text) {
    const template = createBodyTemplate(text, false);
    return (provider) =>
      provider.protocol === "openai"
        ? passthroughRoute(SPEECH_WIRE, template.render(provider.upstreamModel, false), false)
        : null;
  },
};

/** POST /v1/audio/speech. */
export function handleSpeech(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, SPEECH_INGRESS);
}
