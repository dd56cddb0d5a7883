import { fail, type AttemptFailure } from "./attempt-result";
import { decodeUtf8, encodeUtf8 } from "./bytes";
import type { Billing } from "./chat-responses";
import { hasKeyword, type CompletionVerdict, type KeywordCheck } from "./completion-inspector";
import { GatewayError, serializeError, toErrorResponse } from "./errors";
import { answerInspector, IMAGE_BILLING } from "./json-apis";
import { isRecord } from "./json-shape";
import { readMultipartBody, type MultipartBody, type UploadedFile } from "./multipart";
import { passthroughRoute, type ProviderRoute } from "./provider-route";
import { serveIngress, type Ingress, type IngressRequest } from "./serve-request";
import { SseInspector } from "./sse-inspector";
import type { GatewayRuntime } from "./types";
import type { UpstreamOperation } from "./upstream-request";
import type { TokenUsage } from "./usage";
import { wavSeconds } from "./wav";
import type { UpstreamWire } from "./wire";
import type { WorkKind } from "../work-kinds";

/*
 * The file-upload APIs: audio transcriptions and translations, image edits. The client's
 * multipart body goes to the group's OpenAI-compatible providers as it came, `model` set to
 * each provider's upstream id; failover happens before the answer is relayed, and the answer
 * keeps its content type (a `text`, `srt` or `vtt` transcript is plain text). Streamed
 * transcripts (`stream=true`) are relayed as they arrive.
 */

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/** gpt-4o-transcribe reports tokens (`type: "tokens"`); whisper reports seconds, which are billed as units. */
function transcriptUsage(usage: unknown): TokenUsage | null {
  if (!isRecord(usage) || usage.type !== "tokens") return null;
  return {
    promptTokens: Math.floor(count(usage.input_tokens)),
    completionTokens: Math.floor(count(usage.output_tokens)),
    cachedTokens: 0,
    cacheWriteTokens: 0,
  };
}

function inspectTranscript(bytes: Uint8Array, check: KeywordCheck): CompletionVerdict | AttemptFailure {
  const text = decodeUtf8(bytes);
  let transcript = text;
  let usage: TokenUsage | null = null;
  let payload: unknown = null;
  try {
    payload = JSON.parse(text);
  } catch {
    // `text`, `srt` and `vtt` answers are the transcript itself.
  }
  if (isRecord(payload)) {
    if (typeof payload.text !== "string") return fail("response has no text");
    transcript = payload.text;
    usage = transcriptUsage(payload.usage);
  }
  if (hasKeyword(check, transcript)) return fail("failure keyword in the answer");
  return { kind: "ok", usage, completionCharacters: transcript.length };
}

/** Seconds of audio: from the answer when it says, else from a WAV upload's header. */
function audioBilling(file: UploadedFile): Billing {
  const fromFile = wavSeconds(file.head, file.size) ?? 0;
  return {
    unit: "second",
    count(answer) {
      if (answer === null) return fromFile;
      try {
        const payload: unknown = JSON.parse(decodeUtf8(answer));
        if (isRecord(payload)) {
          if (isRecord(payload.usage) && payload.usage.type === "duration") return count(payload.usage.seconds);
          if (typeof payload.duration === "number") return count(payload.duration);
        }
      } catch {
        // A plain-text transcript says nothing about its length.
      }
      return fromFile;
    },
  };
}

interface FileApi {
  api: string;
  kind: WorkKind;
  operation: UpstreamOperation;
  /** The file fields, one of which must hold a file. */
  fileFields: readonly string[];
  /** Text fields that must be present. */
  required: readonly string[];
  inspect(bytes: Uint8Array, check: KeywordCheck): CompletionVerdict | AttemptFailure;
  billing(file: UploadedFile): Billing;
}

const TRANSCRIPTIONS: FileApi = {
  api: "audio.transcriptions",
  kind: "audio",
  operation: "transcriptions",
  fileFields: ["file"],
  required: [],
  inspect: inspectTranscript,
  billing: audioBilling,
};

const TRANSLATIONS: FileApi = { ...TRANSCRIPTIONS, api: "audio.translations", operation: "translations" };

const IMAGE_EDITS: FileApi = {
  api: "images.edits",
  kind: "images",
  operation: "image_edits",
  fileFields: ["image", "image[]"],
  required: ["prompt"],
  inspect: answerInspector("images"),
  billing: () => IMAGE_BILLING,
};

interface UploadRequest extends IngressRequest {
  upload: MultipartBody;
}

function invalid(message: string, param: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

function validator(spec: FileApi): (fields: Record<string, unknown>, upload: MultipartBody) => UploadRequest {
  return (_fields, upload) => {
    const model = upload.fields.model;
    if (model === undefined || model.trim() === "")
      throw invalid("`model` is required: add a `model` field naming a group.", "model");
    const file = upload.files.find((entry) => spec.fileFields.includes(entry.field));
    if (!file)
      throw invalid(
        `\`${spec.fileFields[0]}\` is required: attach the file as a form field with a filename.`,
        spec.fileFields[0]!,
      );
    if (file.size === 0) throw invalid(`The uploaded \`${file.field}\` file is empty.`, file.field);
    for (const name of spec.required)
      if ((upload.fields[name] ?? "").trim() === "") throw invalid(`\`${name}\` is required.`, name);
    const isStream = upload.fields.stream === "true";
    return {
      body: upload.value,
      model,
      isStream: false,
      isRaw: isStream,
      estimateMessages: [{ content: upload.fields.prompt ?? "" }],
      billing: spec.billing(file),
      upload,
    };
  };
}

function fileIngress(spec: FileApi): Ingress<UploadRequest, MultipartBody> {
  const wire: UpstreamWire = {
    protocol: "openai",
    operation: spec.operation,
    inspectJson: spec.inspect,
    // Streamed transcripts are relayed as raw bytes, never inspected as chat events.
    createInspector: (keywords, hitSink, now) => new SseInspector(keywords, hitSink, now),
  };
  return {
    api: spec.api,
    kinds: [spec.kind],
    readBody: readMultipartBody,
    validate: validator(spec),
    renderError: toErrorResponse,
    renderErrorEvent: (error) => encodeUtf8(`data: ${serializeError(error)}\n\n`),
    routeFor(parsed) {
      const { upload } = parsed;
      return (provider): ProviderRoute | null =>
        provider.protocol === "openai"
          ? {
              ...passthroughRoute(wire, upload.withModel(provider.upstreamModel), false),
              contentType: upload.contentType,
              keepsContentType: true,
            }
          : null;
    },
  };
}

const TRANSCRIPTIONS_INGRESS = fileIngress(TRANSCRIPTIONS);
const TRANSLATIONS_INGRESS = fileIngress(TRANSLATIONS);
const IMAGE_EDITS_INGRESS = fileIngress(IMAGE_EDITS);

/** POST /v1/audio/transcriptions (multipart/form-data). */
export function handleTranscriptions(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, TRANSCRIPTIONS_INGRESS);
}

/** POST /v1/audio/translations (multipart/form-data). */
export function handleTranslations(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, TRANSLATIONS_INGRESS);
}

/** POST /v1/images/edits (multipart/form-data). */
export function handleImageEdits(request: Request, runtime: GatewayRuntime): Promise<Response> {
  return serveIngress(request, runtime, null, IMAGE_EDITS_INGRESS);
}
