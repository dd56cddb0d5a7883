// What a test scripts (behaviours) and what the mock records (calls), shared by every piece of the mock.
import type { IncomingHttpHeaders } from "node:http";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface MockToolCall {
  id?: string;
  name: string;
  /** A JSON string as OpenAI sends it, or an object that is stringified. */
  arguments: string | { [key: string]: JsonValue };
}

/** OpenAI's usage fields; anything missing is filled in (prompt 10, completion = pieces). */
export interface MockUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  /** Shortcut for `prompt_tokens_details.cached_tokens`. */
  cached_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
  reasoning_tokens?: number;
  /** Anthropic answers only (the Messages routes). */
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export interface MockErrorObject {
  message?: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}

export type SseLineEnding = "lf" | "crlf" | "cr";

export interface SseFramingOptions {
  lineEnding?: SseLineEnding;
  /** A `: comment` block before the first event and a `: ping` line inside every event. */
  comments?: boolean;
  /** `event: message` and `id: N` lines before every `data:` line. */
  eventFields?: boolean;
  /** `data:{…}` without the optional space. */
  compactData?: boolean;
  /** Write the stream in pieces of these byte sizes (cycled), cutting across events and UTF-8. */
  splitBytes?: number | readonly number[];
  /** Pause between split pieces; 0 (default) yields to the event loop only. */
  splitDelayMs?: number;
}

export type SseFraming = SseLineEnding | "comments" | "fields" | "compact" | "split" | SseFramingOptions;

export interface MockBehavior {
  /** HTTP status; ≥ 300 without `body` answers an OpenAI error object (or a redirect). */
  status?: number;
  /** Extra response headers, e.g. `{ "retry-after": "2" }`; they win over the defaults. */
  headers?: Record<string, string | number | readonly string[]>;
  /** Wait this long before sending anything (slow headers). */
  delayBeforeHeadersMs?: number;
  /** Instead: the n-th call to this model waits `delayCycleMs[n % length]` (a fixed mix of fast and slow). */
  delayCycleMs?: readonly number[];
  /** Never answer; the socket stays open until the client or close() ends it. */
  hang?: boolean;
  /** Raw answer instead of a completion: a string as is, anything else as JSON. */
  body?: JsonValue;
  contentType?: string;
  /** Shortcut for `body` with `Content-Type: text/html`. */
  html?: string;
  /**
   * For non-stream bodies: announce the full Content-Length, send this many bytes, then drop the
   * connection (or hold it open when `stallAfterChunks` is set: a stalled body).
   */
  truncateAfterBytes?: number;
  /** Location of a redirect (status defaults to 302). */
  redirectTo?: string;

  /** Assistant content; defaults to "Hello from <model>" unless refusal or toolCalls are given. */
  text?: string;
  /** Content pieces for the stream (their concatenation is the non-stream content). */
  chunks?: readonly string[];
  /** `reasoning_content` pieces sent before the content. */
  reasoning?: readonly string[];
  refusal?: string;
  toolCalls?: readonly MockToolCall[];
  finishReason?: string;
  /** `null` omits usage (no usage field, no usage chunk). */
  usage?: MockUsage | null;
  /** Fixed `id`, `created` and `model` of the answer, for byte-exact expectations. */
  id?: string;
  created?: number;
  responseModel?: string;

  /** Force SSE on or off; by default it follows the request's `stream`. */
  stream?: boolean;
  /** Delay before every content piece: a fixed number or a uniform [min, max] range. */
  chunkDelayMs?: number | readonly [number, number];
  /** Drop the connection after N pieces (0: before any header). */
  resetAfterChunks?: number;
  /** Stop sending after N pieces but keep the connection open (non-stream: see truncateAfterBytes). */
  stallAfterChunks?: number;
  /** Send `data: {"error":…}` after N pieces, then end the body (no [DONE]). */
  inBandErrorAfterChunks?: number;
  /** The error object of an error status's body or of the in-band error event. */
  error?: MockErrorObject;
  omitDone?: boolean;
  framing?: SseFraming;
  /** Exact SSE bytes; an array is written piece by piece (each piece counts as a chunk). */
  rawSse?: string | readonly string[];
  /** Force the usage chunk on or off; by default it follows `stream_options.include_usage`. */
  includeUsageChunk?: boolean;

  /** For GET /models: ids, or a count of synthesized ids (`mock-model-1` …). */
  models?: readonly string[] | number;
}

/** The behaviour key for GET /v1/models. */
export const MODELS_LIST = "#models";
/** The behaviour key that applies to every model without its own behaviour. */
export const ANY_MODEL = "*";

export interface MockProviderOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Keep only the newest N calls in `calls` (`callCount` still counts all). Default: all. */
  maxRecordedCalls?: number;
}

export interface MockProviderStats {
  callCount: number;
  abortedCount: number;
  openConnections: number;
  maxOpenConnections: number;
  activeRequests: number;
  maxConcurrent: number;
}

export interface MockProvider {
  /** Base URL including `/v1`, as a provider's base URL. */
  readonly url: string;
  readonly port: number;
  readonly calls: readonly MockCall[];
  /** Every request since the last reset, including ones trimmed from `calls`. */
  readonly callCount: number;
  readonly openConnections: number;
  readonly maxOpenConnections: number;
  /** Requests whose response has not closed yet. */
  readonly activeRequests: number;
  /** The most requests in flight at once since the last reset. */
  readonly maxConcurrent: number;
  setBehavior(model: string, behavior: MockBehavior): void;
  queue(model: string, ...behaviors: MockBehavior[]): void;
  setModels(models: readonly string[] | number): void;
  reset(): void;
  callsFor(model: string): MockCall[];
  stats(): MockProviderStats;
  /** Resolves once `predicate` holds; checked on every connection and request event, and every 10 ms. */
  waitFor(predicate: () => boolean, timeoutMs?: number, describe?: () => string): Promise<void>;
  waitForOpenConnections(count: number, timeoutMs?: number): Promise<void>;
  waitForCalls(count: number, timeoutMs?: number): Promise<void>;
  /** Destroys every socket (hung ones included), clears every timer and stops listening. */
  close(): Promise<void>;
}

export const now = (): number => performance.timeOrigin + performance.now();

/** One request as the mock saw it; fields fill in as the exchange progresses. */
export class MockCall {
  rawBody = "";
  /** The request body's exact bytes (multipart uploads are binary). */
  rawBytes: Buffer = Buffer.alloc(0);
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown = undefined;
  model: string | null = null;
  behavior: MockBehavior | null = null;
  /** True when the answer was an event stream. */
  streamed = false;
  status: number | null = null;
  /** Content pieces written so far. */
  chunksSent = 0;
  finishedAt: number | null = null;
  /** When the exchange closed: right after the response finished, or when the connection died. */
  closedAt: number | null = null;
  /** The client closed the connection before the response finished. */
  aborted = false;
  /** The mock itself dropped the connection (reset, truncation or close()). */
  destroyedByMock = false;
  /** Every write of the response body, in order. */
  readonly writes: (string | Buffer)[] = [];

  constructor(
    readonly index: number,
    readonly method: string,
    readonly path: string,
    readonly url: string,
    readonly headers: IncomingHttpHeaders,
    readonly time: number,
  ) {}

  get responseBytes(): Buffer {
    return Buffer.concat(this.writes.map((piece) => (typeof piece === "string" ? Buffer.from(piece) : piece)));
  }

  get responseBody(): string {
    return this.responseBytes.toString("utf8");
  }

  toJSON(): Record<string, unknown> {
    const { index, method, path, headers, time, model, status, streamed, chunksSent } = this;
    const { finishedAt, closedAt, aborted, destroyedByMock, body } = this;
    return {
      index,
      method,
      path,
      headers,
      time,
      model,
      body,
      status,
      streamed,
      chunksSent,
      finishedAt,
      closedAt,
      aborted,
      destroyedByMock,
    };
  }
}
