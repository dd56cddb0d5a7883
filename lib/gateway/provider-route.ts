import { decodeUtf8, encodeUtf8 } from "./bytes";
import type { StreamTransform } from "./upstream-stream";
import type { NeutralAnswer, StreamDecoder, StreamEncoder } from "../translate/neutral";
import type { UpstreamWire } from "./wire";

/**
 * How one provider is asked and how its answer reaches the client. When the client's protocol
 * is the provider's, the body is the client's own bytes (model replaced) and every translate
 * hook is null: the answer passes through byte for byte.
 */
export interface ProviderRoute {
  wire: UpstreamWire;
  body: string | Uint8Array;
  /** The body's content type; JSON unless set (a multipart upload keeps the client's boundary). */
  contentType?: string;
  /** The answer keeps the upstream's content type (audio, plain-text transcripts) instead of JSON. */
  keepsContentType?: boolean;
  keepsUsageEvents: boolean;
  translateJson: ((bytes: Uint8Array) => Uint8Array) | null;
  /** A 4xx body of the provider's protocol, in the client's error shape. */
  translateClientError: ((bytes: Uint8Array, status: number) => Uint8Array) | null;
  createTransform: (() => StreamTransform) | null;
}

/** The client's own protocol: its bytes go out (model replaced) and the answer comes back untouched. */
export function passthroughRoute(
  wire: UpstreamWire,
  body: string | Uint8Array,
  keepsUsageEvents: boolean,
): ProviderRoute {
  return { wire, body, keepsUsageEvents, translateJson: null, translateClientError: null, createTransform: null };
}

/** Translates whole answers: provider JSON → neutral → client JSON. */
export function answerTranslator(
  decode: (payload: Record<string, unknown>) => NeutralAnswer,
  encode: (answer: NeutralAnswer) => string,
): (bytes: Uint8Array) => Uint8Array {
  // The attempt already checked that the body is a JSON object.
  return (bytes) => encodeUtf8(encode(decode(JSON.parse(decodeUtf8(bytes)) as Record<string, unknown>)));
}

/** A stream transform from a decoder of the provider's events and an encoder of the client's. */
export function streamTranslator(decoder: StreamDecoder, encoder: StreamEncoder): StreamTransform {
  const encodeAll = (parts: ReturnType<StreamDecoder["decode"]>): Uint8Array | null => {
    let text = "";
    for (const part of parts) text += encoder.encode(part);
    return text.length > 0 ? encodeUtf8(text) : null;
  };
  return {
    map: (payload) => encodeAll(decoder.decode(payload)),
    end: () => encodeAll(decoder.end()),
  };
}
