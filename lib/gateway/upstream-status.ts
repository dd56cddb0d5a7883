import { decodeUtf8, joinChunks } from "./bytes";
import type { AttemptControl } from "./attempt-control";
import {
  fail,
  failFromError,
  type AttemptAborted,
  type AttemptClientError,
  type AttemptContext,
  type AttemptFailure,
} from "./attempt-result";
import { matchKeywords, recordKeywordHits } from "./keywords";
import { parseRetryAfterMs } from "./retry-after";
import type { UpstreamResponse } from "./types";
import { isRecord } from "./json-shape";
import { isProviderFailureStatus } from "./failover-policy";

// A client error body is relayed in full but must not be a way to exhaust memory.
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super("The upstream body exceeded the size limit");
    this.name = "BodyTooLargeError";
  }
}

/** Reads a whole upstream body, refusing it past `maxBytes`; read errors propagate. */
export async function readUpstreamBody(response: UpstreamResponse, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const iterator = response.body[Symbol.asyncIterator]();
  for (;;) {
    const { done, value } = await iterator.next();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) throw new BodyTooLargeError();
    chunks.push(value);
  }
  return joinChunks(chunks, total);
}

function readErrorMessage(bytes: Uint8Array): string | null {
  try {
    const payload: unknown = JSON.parse(decodeUtf8(bytes));
    const error = isRecord(payload) ? payload.error : null;
    const message = isRecord(error) ? error.message : error;
    return typeof message === "string" ? message : null;
  } catch {
    return null;
  }
}

/** Settles an attempt whose upstream answered with a status outside 2xx. */
export async function settleErrorStatus(
  response: UpstreamResponse,
  context: AttemptContext,
  control: AttemptControl,
): Promise<AttemptFailure | AttemptClientError | AttemptAborted> {
  const { status } = response;
  if (isProviderFailureStatus(status)) {
    response.close();
    if (status === 429)
      return fail("rate limited (HTTP 429)", status, parseRetryAfterMs(response.headers, context.runtime.now()));
    if (status >= 300 && status < 400) return fail(`redirect HTTP ${status} (not followed)`, status);
    return fail(`HTTP ${status}`, status);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readUpstreamBody(response, MAX_ERROR_BODY_BYTES);
  } catch (error) {
    return error instanceof BodyTooLargeError
      ? fail(`HTTP ${status} with an oversized body`, status)
      : failFromError(error, control, status);
  } finally {
    response.close();
  }
  const message = readErrorMessage(bytes);
  const hits = message === null ? null : matchKeywords(context.keywords, message);
  if (hits) {
    recordKeywordHits(context.runtime.keywordHits, hits, context.runtime.now());
    return fail(`failure keyword in HTTP ${status} error`, status);
  }
  return { kind: "client_error", status, body: bytes };
}
