import type { IncomingMessage } from "node:http";
import type { UpstreamResponse } from "../gateway/types";
import { toOutboundError } from "./outbound-error";

function rethrowTyped(error: unknown): never {
  throw toOutboundError(error);
}

function ignoreError(): void {}

/**
 * Exposes a Node response as the core's `UpstreamResponse`: chunks as they arrive (no
 * copies), errors mapped to typed codes, and `close()` that frees the socket for reuse when
 * the body was read to the end and destroys it otherwise.
 */
export function wrapIncomingResponse(res: IncomingMessage, release: () => void): UpstreamResponse {
  // An error on a response nobody is reading would otherwise crash the process.
  res.on("error", ignoreError);
  let isClosed = false;
  const close = (): void => {
    if (isClosed) return;
    isClosed = true;
    release();
    if (!res.readableEnded) res.destroy();
  };
  res.once("close", release);

  const body: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      const inner = res[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
      return {
        next: () => inner.next().catch(rethrowTyped),
        return: () => {
          close();
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };

  return { status: res.statusCode ?? 0, headers: res.headers, body, close };
}
