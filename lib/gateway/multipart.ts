import { GatewayError } from "./errors";
import { encodeUtf8, toResponseBytes } from "./bytes";
import { readBodyBytes, type JsonBody } from "./read-body";

/*
 * multipart/form-data uploads (audio transcriptions and translations, image edits). The body
 * streams in up to the body limit (413 past it, while it arrives), is parsed once by the
 * platform's own form parser to check its fields, and goes upstream as the client's bytes with
 * only the `model` field's value replaced: files are never decoded or re-encoded.
 */

export interface UploadedFile {
  field: string;
  filename: string;
  type: string;
  size: number;
  /** The file's first bytes, enough for a format header (a WAV file's duration). */
  head: Uint8Array;
}

const HEAD_BYTES = 4096;

export interface MultipartBody extends JsonBody {
  contentType: string;
  /** The text fields (`model`, `response_format`, …), last value wins, as JSON would. */
  fields: Record<string, string>;
  files: UploadedFile[];
  /** Renders the body with `model` set to an upstream model id. */
  withModel(model: string): Uint8Array;
}

const CRLF_CRLF = Buffer.from("\r\n\r\n");

function boundaryOf(contentType: string | null): string {
  const isMultipart = contentType !== null && /^multipart\/form-data\s*;/i.test(contentType);
  const boundary = isMultipart ? /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType) : null;
  if (!boundary)
    throw new GatewayError(
      "invalid_request",
      "This endpoint takes a file upload: send the body as multipart/form-data (with its boundary).",
    );
  return boundary[1] ?? boundary[2]!;
}

/** Where the value of the first `model` text part lies in the raw bytes, or null. */
function findModelValue(bytes: Buffer, boundary: string): { start: number; end: number } | null {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let partStart = bytes.indexOf(`--${boundary}`);
  while (partStart !== -1) {
    const headersStart = partStart + delimiter.length;
    const headersEnd = bytes.indexOf(CRLF_CRLF, headersStart);
    if (headersEnd === -1) return null;
    const valueStart = headersEnd + CRLF_CRLF.length;
    const valueEnd = bytes.indexOf(delimiter, valueStart);
    if (valueEnd === -1) return null;
    const headers = bytes.toString("latin1", headersStart, headersEnd);
    if (/name="model"/i.test(headers) && !/filename=/i.test(headers)) return { start: valueStart, end: valueEnd };
    partStart = valueEnd + 2;
  }
  return null;
}

async function parseForm(bytes: Uint8Array, contentType: string): Promise<FormData> {
  try {
    return await new Response(toResponseBytes(bytes), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new GatewayError("invalid_request", "We could not parse the multipart/form-data body of your request.");
  }
}

/** Reads and checks a multipart upload; the logged body names its fields and files, never their bytes. */
export async function readMultipartBody(request: Request, limit: number): Promise<MultipartBody> {
  const contentType = request.headers.get("content-type");
  const boundary = boundaryOf(contentType);
  const bytes = await readBodyBytes(request, limit);
  const form = await parseForm(bytes, contentType!);
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  for (const [field, value] of form) {
    if (typeof value === "string") fields[field] = value;
    else {
      const head = new Uint8Array(await value.slice(0, HEAD_BYTES).arrayBuffer());
      files.push({ field, filename: value.name, type: value.type, size: value.size, head });
    }
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const span = findModelValue(buffer, boundary);
  const logged = JSON.stringify({
    ...fields,
    files: files.map(({ field, filename, type, size }) => ({ field, filename, type, size })),
  });
  return {
    value: { ...fields },
    bytes: encodeUtf8(logged),
    text: logged,
    contentType: contentType!,
    fields,
    files,
    withModel: (model) =>
      span === null
        ? bytes
        : Buffer.concat([buffer.subarray(0, span.start), Buffer.from(model), buffer.subarray(span.end)]),
  };
}
