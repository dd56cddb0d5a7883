import { GatewayError } from "./errors";
import { isRecord } from "./json-shape";

export interface JsonBody {
  value: Record<string, unknown>;
  /** The raw bytes, kept for the optional body log. */
  bytes: Uint8Array;
  /** The bytes as text: what is forwarded, edited only where the gateway must. */
  text: string;
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError("request_too_large", `The request body exceeds the limit of ${limit} bytes.`);
}

/**
 * Reads the body as a stream and stops at the byte limit, so a chunked upload without
 * Content-Length cannot grow memory past it. A declared length over the limit is refused
 * before a byte is read.
 */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, total);
}

/** The body as a JSON object; anything else (malformed, empty, array, scalar) is invalid_json. */
export async function readJsonBody(request: Request, limit: number): Promise<JsonBody> {
  const bytes = await readBodyBytes(request, limit);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GatewayError("invalid_json", "We could not parse the JSON body of your request.");
  }
  if (!isRecord(value)) throw new GatewayError("invalid_json", "The request body must be a JSON object.");
  return { value, bytes, text };
}
