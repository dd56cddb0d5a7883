import { ServerResponse, type IncomingMessage } from "node:http";

type Callback = (error?: Error | null) => void;

// For /v1 answered by Next.js (FAST_LANE=off, or a request the fast lane leaves to it).
// Next.js sends a response's headers in a socket write of their own (flushHeaders) right
// before the first body chunk; for /v1 they go out with the first bytes instead: one
// syscall per response instead of two. Next.js also writes every body chunked, so a JSON
// answer costs a second write; its first chunk is held back until the next write or the
// end, and a body that is one chunk then leaves with its length, in one write.
export class GatewayResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  #held: Buffer | Uint8Array | null = null;

  #isApi(): boolean {
    return this.req?.url?.startsWith("/v1/") === true;
  }

  override flushHeaders(): void {
    if (this.#isApi()) return;
    super.flushHeaders();
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (
      this.#held === null &&
      !this.headersSent &&
      this.#isApi() &&
      String(this.getHeader("content-type")).startsWith("application/json") &&
      typeof encoding !== "function"
    ) {
      this.#held =
        typeof chunk === "string" ? Buffer.from(chunk, (encoding as BufferEncoding) ?? "utf8") : (chunk as Uint8Array);
      if (typeof callback === "function") process.nextTick(callback as Callback);
      return true;
    }
    this.#release();
    return super.write(chunk, encoding as BufferEncoding, callback as Callback);
  }

  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    const held = this.#held;
    if (held !== null && (chunk === undefined || chunk === null || typeof chunk === "function")) {
      this.#held = null;
      this.setHeader("content-length", held.byteLength);
      const done = [chunk, encoding, callback].find((argument) => typeof argument === "function") as
        (() => void) | undefined;
      return super.end(held, done);
    }
    this.#release();
    return super.end(chunk, encoding as BufferEncoding, callback as () => void);
  }

  #release(): void {
    if (this.#held === null) return;
    const held = this.#held;
    this.#held = null;
    super.write(held);
  }
}
