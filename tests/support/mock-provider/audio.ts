// Uploads and audio, spoken by the mock: transcriptions and translations (multipart; json,
// verbose_json, text, srt, vtt, or a streamed transcript), image edits (multipart), and speech
// (audio bytes in pieces, which resetAfterChunks / stallAfterChunks / chunkDelayMs cut into).
import { isRecord, pickDelay } from "./answers";
import { type Exchange, sendBody, sendScriptedRaw } from "./exchange";
import { imagesJson } from "./json-apis";
import type { MockBehavior } from "./types";

export interface UploadedFileInfo {
  filename: string;
  type: string;
  size: number;
  /** SHA-256 hex of the file's bytes, so tests can check they arrived untouched. */
  sha256: string;
}

function fieldsOf(exchange: Exchange): Record<string, unknown> {
  return isRecord(exchange.call.body) ? exchange.call.body : {};
}

function fileOf(fields: Record<string, unknown>, name: string): UploadedFileInfo | null {
  const file = fields[name];
  return isRecord(file) && typeof file.size === "number" ? (file as unknown as UploadedFileInfo) : null;
}

/** POST /v1/audio/transcriptions and /v1/audio/translations. */
export async function answerTranscription(exchange: Exchange, behavior: MockBehavior): Promise<void> {
  if (await sendScriptedRaw(exchange, behavior)) return;
  const fields = fieldsOf(exchange);
  const file = fileOf(fields, "file");
  const text = behavior.text ?? `Transcript of ${file?.filename ?? "nothing"} (${file?.size ?? 0} bytes)`;
  if (fields.stream === "true") {
    exchange.call.streamed = true;
    exchange.response.statusCode = 200;
    exchange.response.setHeader("content-type", "text/event-stream");
    for (const word of text.split(" ")) {
      exchange.send(`data: ${JSON.stringify({ type: "transcript.text.delta", delta: `${word} ` })}\n\n`);
      if (!(await exchange.flush())) return;
    }
    exchange.send(`data: ${JSON.stringify({ type: "transcript.text.done", text })}\n\n`);
    await exchange.end();
    return;
  }
  const format = typeof fields.response_format === "string" ? fields.response_format : "json";
  if (format === "text" || format === "srt" || format === "vtt") {
    const body = format === "text" ? `${text}\n` : `1\n00:00:00,000 --> 00:00:03,250\n${text}\n`;
    await sendBody(exchange, 200, "text/plain; charset=utf-8", body, behavior);
    return;
  }
  const answer =
    format === "verbose_json"
      ? { task: "transcribe", language: "english", duration: 3.25, text, segments: [] }
      : {
          text,
          ...(behavior.usage
            ? {
                usage: {
                  type: "tokens",
                  input_tokens: behavior.usage.prompt_tokens ?? 0,
                  output_tokens: behavior.usage.completion_tokens ?? 0,
                },
              }
            : {}),
        };
  await sendBody(exchange, 200, "application/json", JSON.stringify(answer), behavior);
}

/** POST /v1/images/edits. */
export async function answerImageEdit(exchange: Exchange, behavior: MockBehavior): Promise<void> {
  if (await sendScriptedRaw(exchange, behavior)) return;
  const fields = fieldsOf(exchange);
  const n = typeof fields.n === "string" ? Number(fields.n) : 1;
  await sendBody(exchange, 200, "application/json", imagesJson({ ...fields, n }, behavior), behavior);
}

const AUDIO_TYPES: Record<string, string> = {
  mp3: "audio/mpeg",
  wav: "audio/wav",
  opus: "audio/ogg",
  aac: "audio/aac",
  flac: "audio/flac",
  pcm: "audio/pcm",
};

/** Piece i is 8 KiB of the byte value i + 1: deterministic audio a test can check. */
export function speechPieces(behavior: MockBehavior): Buffer[] {
  if (behavior.chunks) return behavior.chunks.map((chunk) => Buffer.from(chunk));
  return Array.from({ length: 4 }, (_, index) => Buffer.alloc(8192, index + 1));
}

/** POST /v1/audio/speech. */
export async function answerSpeech(exchange: Exchange, behavior: MockBehavior): Promise<void> {
  if (await sendScriptedRaw(exchange, behavior)) return;
  const fields = fieldsOf(exchange);
  const format = typeof fields.response_format === "string" ? fields.response_format : "mp3";
  const { response, call } = exchange;
  call.status = 200;
  response.statusCode = 200;
  response.setHeader("content-type", AUDIO_TYPES[format] ?? "audio/mpeg");
  for (const [name, value] of Object.entries(behavior.headers ?? {})) response.setHeader(name, value);
  const pieces = speechPieces(behavior);
  for (const [index, piece] of pieces.entries()) {
    if (index === behavior.resetAfterChunks) return exchange.drop(true);
    if (index === behavior.stallAfterChunks) {
      response.flushHeaders();
      return;
    }
    if (!(await exchange.sleep(pickDelay(behavior.chunkDelayMs)))) return;
    if (!(await exchange.writeNow(piece))) return;
    call.chunksSent++;
  }
  response.end();
}
