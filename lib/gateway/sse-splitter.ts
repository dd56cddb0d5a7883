const LF = 10;
const CR = 13;

/** One event can hold a large tool call, but a stream that never frames must not grow memory. */
const DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

export class SseEventTooLargeError extends Error {
  constructor() {
    super("An SSE event exceeded the size limit");
    this.name = "SseEventTooLargeError";
  }
}

/**
 * Splits a raw SSE byte stream into complete events, each ending with its blank line, so the
 * exact upstream bytes can be forwarded unchanged. Line ends may be LF, CRLF or CR, and an
 * event may arrive across any number of chunks. Events inside one chunk are views of it
 * (no copy); only events spanning chunks are joined.
 */
export class SseSplitter {
  private carried: Uint8Array[] = [];
  private carriedBytes = 0;
  private isAtLineStart = true;
  private isAfterCr = false;
  /** A CRLF-framed event ended on its last CR at a chunk's end; its LF may open the next chunk. */
  private isHoldingEvent = false;
  private lastByte = -1;

  constructor(private readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const events: Uint8Array[] = [];
    const length = chunk.length;
    let start = 0;
    if (this.isHoldingEvent && length > 0) {
      this.isHoldingEvent = false;
      start = chunk[0] === LF ? 1 : 0;
      this.carriedBytes += start;
      events.push(this.joinCarried(start === 1 ? chunk.subarray(0, 1) : null));
      this.carried = [];
      this.carriedBytes = 0;
    }
    for (let i = start; i < length; i += 1) {
      const byte = chunk[i];
      if (byte === LF) {
        if (this.isAfterCr) {
          // Second half of a CRLF whose CR already ended the line.
          this.isAfterCr = false;
          continue;
        }
        if (this.isAtLineStart) start = this.emit(chunk, start, i + 1, events);
        else this.isAtLineStart = true;
      } else if (byte === CR) {
        if (!this.isAtLineStart) {
          this.isAtLineStart = true;
          this.isAfterCr = true;
        } else if (i + 1 < length) {
          // Keep a CRLF's LF with its event.
          const end = chunk[i + 1] === LF ? i + 2 : i + 1;
          this.isAfterCr = end === i + 1;
          start = this.emit(chunk, start, end, events);
          i = end - 1;
        } else if ((i > 0 ? chunk[i - 1] : this.lastByte) === LF) {
          // CRLF framing cut between CR and LF: wait for the LF so the bytes stay whole.
          this.carry(chunk.subarray(start));
          this.isHoldingEvent = true;
          this.lastByte = CR;
          return events;
        } else {
          this.isAfterCr = true;
          start = this.emit(chunk, start, i + 1, events);
        }
      } else {
        this.isAtLineStart = false;
        this.isAfterCr = false;
      }
    }
    if (start < length) this.carry(start === 0 ? chunk : chunk.subarray(start));
    if (length > 0) this.lastByte = chunk[length - 1]!;
    return events;
  }

  /** Whatever is left when the stream ends: a held event, or one without its closing blank line. */
  flush(): Uint8Array | null {
    this.isHoldingEvent = false;
    if (this.carriedBytes === 0) return null;
    const rest = this.joinCarried(null);
    this.carried = [];
    this.carriedBytes = 0;
    return rest;
  }

  private emit(chunk: Uint8Array, start: number, end: number, events: Uint8Array[]): number {
    const piece = start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end);
    if (this.carriedBytes === 0) {
      events.push(piece);
    } else {
      this.carriedBytes += piece.byteLength;
      events.push(this.joinCarried(piece));
      this.carried = [];
      this.carriedBytes = 0;
    }
    this.isAtLineStart = true;
    return end;
  }

  private carry(piece: Uint8Array): void {
    this.carriedBytes += piece.byteLength;
    if (this.carriedBytes > this.maxEventBytes) throw new SseEventTooLargeError();
    this.carried.push(piece);
  }

  /** Joins the carried pieces (and `last`); `carriedBytes` must already count `last`. */
  private joinCarried(last: Uint8Array | null): Uint8Array {
    const pieces = last ? [...this.carried, last] : this.carried;
    return Buffer.concat(pieces, this.carriedBytes);
  }
}
