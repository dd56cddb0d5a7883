import { ServerResponse } from "node:http";

// Next.js sends a response's headers in a socket write of their own (flushHeaders) right
// before the first body chunk. An API answer has its first bytes ready at that moment (the
// whole JSON body, or a stream's checked first events), so for /v1 the headers go out in the
// same write: one syscall per response instead of two, on both ends of the connection.
//
// Next.js also drops a route handler's Content-Length and writes every body chunked, so a
// JSON answer costs a second write (the closing chunk) and a second wake-up of the client.
// For a JSON answer on /v1 the first chunk is held back until the next write or the end:
// a body that is one chunk then leaves with its length, in one write.
export class GatewayResponse extends ServerResponse {
  #held = null;

  #isApi() {
    return this.req?.url?.startsWith("/v1/") === true;
  }

  flushHeaders() {
    if (this.#isApi()) return;
    super.flushHeaders();
  }

  write(chunk, encoding, callback) {
    if (
      this.#held === null &&
      !this.headersSent &&
      this.#isApi() &&
      String(this.getHeader("content-type")).startsWith("application/json") &&
      typeof encoding !== "function"
    ) {
      this.#held = typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk;
      if (typeof callback === "function") process.nextTick(callback);
      return true;
    }
    this.#release();
    return super.write(chunk, encoding, callback);
  }

  end(chunk, encoding, callback) {
    const held = this.#held;
    if (held !== null && (chunk === undefined || chunk === null || typeof chunk === "function")) {
      this.#held = null;
      this.setHeader("content-length", held.byteLength);
      return super.end(
        held,
        [chunk, encoding, callback].find((argument) => typeof argument === "function"),
      );
    }
    this.#release();
    return super.end(chunk, encoding, callback);
  }

  #release() {
    if (this.#held === null) return;
    const held = this.#held;
    this.#held = null;
    super.write(held);
  }
}
