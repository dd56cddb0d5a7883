/** A Buffer view of the same memory (no copy), for fast UTF-8 decoding. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeUtf8(bytes: Uint8Array): string {
  return asBuffer(bytes).toString("utf8");
}

export function encodeUtf8(text: string): Uint8Array {
  return Buffer.from(text, "utf8");
}

/** Joins chunks, skipping the copy when there is only one. */
export function joinChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, total);
}

/**
 * Joins neighbouring views that sit back to back in the same memory (the events the SSE
 * splitter cut out of one upstream chunk) into one view, without copying. Every chunk handed
 * to a Next.js response body costs a stream write, a promise round and a socket write, so
 * the events of one upstream read go out as one chunk; a dropped event in between (the
 * usage chunk) keeps its neighbours apart.
 */
export function coalesceViews(views: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let current: Uint8Array | null = null;
  for (const view of views) {
    if (view.byteLength === 0) continue;
    if (
      current !== null &&
      current.buffer === view.buffer &&
      current.byteOffset + current.byteLength === view.byteOffset
    ) {
      current = new Uint8Array(current.buffer, current.byteOffset, current.byteLength + view.byteLength);
      out[out.length - 1] = current;
    } else {
      current = view;
      out.push(view);
    }
  }
  return out;
}

/**
 * Keeps at most `limit` bytes of what passes through, for the optional body log; a no-op
 * (no copies at all) when bodies are not stored.
 */
export class ByteCollector {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  add(bytes: Uint8Array): void {
    const room = this.limit - this.size;
    if (room <= 0) return;
    const piece = bytes.byteLength <= room ? bytes : bytes.subarray(0, room);
    this.chunks.push(Uint8Array.from(piece));
    this.size += piece.byteLength;
  }

  toText(): string {
    return decodeUtf8(joinChunks(this.chunks, this.size));
  }
}

/** The first `limit` bytes as text (a cut multi-byte character becomes U+FFFD). */
export function truncateUtf8(bytes: Uint8Array, limit: number): string {
  return decodeUtf8(bytes.byteLength <= limit ? bytes : bytes.subarray(0, limit));
}

function isArrayBufferBacked(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer;
}

/** A Response body view of the bytes; copies only in the odd case of shared memory. */
export function toResponseBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return isArrayBufferBacked(bytes) ? bytes : new Uint8Array(bytes);
}
