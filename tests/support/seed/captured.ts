// What a test keeps of one HTTP exchange, the OpenAI error-shape check, and a raw streaming client.
import assert from "node:assert/strict";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { waitUntil } from "./waits";

export interface Captured {
  status: number;
  headers: Record<string, string>;
  body: string;
  requestId: string | null;
  elapsedMs: number;
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function parseJson<T = unknown>(captured: Captured): T {
  return JSON.parse(captured.body) as T;
}

/** OpenAI's error shape with exactly its four fields, as JSON; returns the error object. */
export function assertErrorShape(captured: Captured, status: number, code?: string): OpenAIErrorBody["error"] {
  assert.equal(captured.status, status, `status (body: ${captured.body.slice(0, 300)})`);
  assert.match(captured.headers["content-type"] ?? "", /^application\/json/);
  const body = parseJson<OpenAIErrorBody>(captured);
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.deepEqual(Object.keys(body.error).sort(), ["code", "message", "param", "type"]);
  assert.equal(typeof body.error.message, "string");
  assert.ok(body.error.message.length > 0);
  assert.equal(typeof body.error.type, "string");
  if (code !== undefined) assert.equal(body.error.code, code);
  assert.doesNotMatch(body.error.message, /\n\s+at /, "no stack trace");
  return body.error;
}

export function headersOf(headers: Headers | IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) headers.forEach((value, name) => (out[name] = value));
  else
    for (const [name, value] of Object.entries(headers))
      if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

// ───────────────────────────── Streaming client ─────────────────────────────

export interface StreamResult extends Captured {
  /** ms from sending until the response headers arrived; null if they never did. */
  headersAtMs: number | null;
  wasAborted: boolean;
}

/** A raw HTTP request on its own connection, read as it arrives, that the test can cut off. */
export class StreamClient {
  readonly startedAt = performance.now();
  status: number | null = null;
  headers: Record<string, string> = {};
  headersAtMs: number | null = null;
  abortedAt: number | null = null;
  readonly finished: Promise<StreamResult>;
  private readonly pieces: Buffer[] = [];
  private readonly destroy: () => void;

  constructor(
    url: string,
    body: string,
    headers: Record<string, string>,
    onHeaders: (requestId: string | null) => void,
  ) {
    let settle: (result: StreamResult) => void = () => undefined;
    this.finished = new Promise((resolve) => (settle = resolve));
    const request = httpRequest(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", ...headers },
    });
    const finish = (): void => settle(this.result());
    request.on("error", finish);
    request.on("response", (response) => {
      this.status = response.statusCode ?? 0;
      this.headers = headersOf(response.headers);
      this.headersAtMs = performance.now() - this.startedAt;
      onHeaders(this.headers["x-request-id"] ?? null);
      response.on("data", (piece: Buffer) => this.pieces.push(piece));
      response.on("error", finish);
      response.on("close", finish);
    });
    request.on("close", () => {
      if (this.status === null) finish();
    });
    this.destroy = () => request.destroy();
    request.end(body);
  }

  get text(): string {
    return Buffer.concat(this.pieces).toString("utf8");
  }

  waitForText(predicate: (text: string) => boolean, timeoutMs = 5_000): Promise<string> {
    return waitUntil(() => (predicate(this.text) ? this.text : undefined), timeoutMs, "stream text");
  }

  /** Drops the connection, as a client that goes away; returns when (epoch ms). */
  abort(): number {
    this.abortedAt = Date.now();
    this.destroy();
    return this.abortedAt;
  }

  private result(): StreamResult {
    const requestId = this.headers["x-request-id"] ?? null;
    const elapsedMs = performance.now() - this.startedAt;
    const base = { status: this.status ?? 0, headers: this.headers, body: this.text, requestId, elapsedMs };
    return { ...base, headersAtMs: this.headersAtMs, wasAborted: this.abortedAt !== null };
  }
}
