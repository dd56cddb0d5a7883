/**
 * A scriptable mock of an OpenAI-compatible upstream, listening on 127.0.0.1.
 *
 * Every API, reliability, browser and benchmark test points providers at it. Scripting is per
 * upstream model id (the `model` field of the request body):
 *
 *   const mock = await startMockProvider();              // mock.url = "http://127.0.0.1:PORT/v1"
 *   mock.setBehavior("up-a", { status: 503 });           // default answer for "up-a"
 *   mock.queue("up-b", { resetAfterChunks: 2 }, {});     // next two calls to "up-b", then its default
 *   mock.setBehavior("*", { chunkDelayMs: [5, 20] });    // default for models without their own
 *   mock.setModels(500);                                 // GET /v1/models (same as setBehavior(MODELS_LIST, …))
 *   mock.reset();                                        // forget behaviours, queues and calls
 *
 * Lookup order: queue(model) → setBehavior(model) → queue("*") → setBehavior("*") → "ok"
 * (content "Hello from <model>", streamed word by word when the request asks for a stream).
 * An empty behaviour `{}` is that "ok" answer. Typical faults:
 *   { status: 429, headers: { "retry-after": "2" } }     error status with an OpenAI error body
 *   { delayBeforeHeadersMs: 5_000 } / { hang: true }     slow headers / no answer at all
 *   { resetAfterChunks: 0 }                              connection reset before any header
 *   { chunks: ["a", "b", "c"], resetAfterChunks: 2 }     connection dropped mid-stream
 *   { stallAfterChunks: 1 }                              stream (or, non-stream, body) stops, socket held
 *   { inBandErrorAfterChunks: 1, error: { message } }    `data: {"error":…}` after content, no [DONE]
 *   { body: "" } / { html: "<html>" } / { body: { error: {…} } }   empty, HTML, 200-with-error answers
 *   { framing: "crlf" | "cr" | "comments" | "fields" | "compact" | "split" }, { rawSse: "…" }
 * A behaviour is plain JSON (see MockBehavior), so the standalone server takes the same shapes
 * through its control routes: `PUT /__mock/behavior/<model>`, `POST /__mock/queue/<model>` (one
 * behaviour or an array), `POST /__mock/reset`, `GET /__mock/stats`, `GET /__mock/calls`.
 *
 * Streams look exactly like OpenAI's: a role-only chunk, one chunk per content piece, a
 * finish_reason chunk, a usage chunk (`choices: []`) when the request set
 * `stream_options.include_usage`, then `data: [DONE]`. "After N chunks" counts content pieces
 * (reasoning, content, refusal or tool-call deltas), never the role chunk.
 *
 * Recording: `mock.calls` holds every request (headers lower-cased, raw and parsed body, model,
 * the exact bytes written, and `aborted`/`closedAt` when the client went away first). Times are
 * epoch milliseconds with sub-millisecond precision, comparable with `Date.now()`.
 *
 * Standalone: `node --import tsx tests/support/mock-provider.ts --port 0 [--behavior JSON]
 * [--max-recorded-calls N]` prints `{"port":N}` on stdout, applies `--behavior` to every model,
 * and stops on SIGTERM/SIGINT or when its parent process goes away.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { pathToFileURL } from "node:url";

// ───────────────────────────── Types ─────────────────────────────

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

const now = (): number => performance.timeOrigin + performance.now();

/** One request as the mock saw it; fields fill in as the exchange progresses. */
export class MockCall {
  rawBody = "";
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
    return { index, method, path, headers, time, model, body, status, streamed, chunksSent, finishedAt, closedAt, aborted, destroyedByMock };
  }
}

// ───────────────────────────── Small helpers ─────────────────────────────

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function pickDelay(delay: MockBehavior["chunkDelayMs"]): number {
  if (delay === undefined) return 0;
  if (typeof delay === "number") return delay;
  const [min, max] = delay;
  return min + Math.random() * (max - min);
}

/** Word-sized pieces whose concatenation is exactly `text`. */
function splitWords(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

let sequence = 0;

// ───────────────────────────── Answer bodies ─────────────────────────────

interface AnswerContext {
  id: string;
  created: number;
  model: string;
}

function answerContext(behavior: MockBehavior, requestModel: string): AnswerContext {
  return {
    id: behavior.id ?? `chatcmpl-mock${++sequence}`,
    created: behavior.created ?? Math.floor(Date.now() / 1000),
    model: behavior.responseModel ?? requestModel,
  };
}

function contentPieces(behavior: MockBehavior, model: string): string[] {
  if (behavior.chunks !== undefined) return [...behavior.chunks];
  if (behavior.text !== undefined) return splitWords(behavior.text);
  if (behavior.refusal !== undefined || behavior.toolCalls !== undefined) return [];
  return splitWords(`Hello from ${model}`);
}

function toolCallJson(call: MockToolCall, index: number): Record<string, JsonValue> {
  const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
  return { id: call.id ?? `call_mock${index}`, type: "function", function: { name: call.name, arguments: args } };
}

function finishReasonOf(behavior: MockBehavior): string {
  return behavior.finishReason ?? (behavior.toolCalls?.length ? "tool_calls" : "stop");
}

function usageJson(behavior: MockBehavior, pieceCount: number): Record<string, JsonValue> | null {
  if (behavior.usage === null) return null;
  const given = behavior.usage ?? {};
  const prompt = given.prompt_tokens ?? 10;
  const completion = given.completion_tokens ?? Math.max(1, pieceCount);
  const usage: Record<string, JsonValue> = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: given.total_tokens ?? prompt + completion,
  };
  const cached = given.cached_tokens ?? given.prompt_tokens_details?.cached_tokens;
  if (cached !== undefined) usage.prompt_tokens_details = { cached_tokens: cached };
  if (given.reasoning_tokens !== undefined) usage.completion_tokens_details = { reasoning_tokens: given.reasoning_tokens };
  return usage;
}

function completionJson(behavior: MockBehavior, requestModel: string): string {
  const context = answerContext(behavior, requestModel);
  const pieces = contentPieces(behavior, requestModel);
  const message: Record<string, JsonValue> = {
    role: "assistant",
    content: pieces.length > 0 || behavior.text !== undefined ? pieces.join("") : null,
    refusal: behavior.refusal ?? null,
  };
  if (behavior.reasoning) message.reasoning_content = behavior.reasoning.join("");
  if (behavior.toolCalls) message.tool_calls = behavior.toolCalls.map(toolCallJson);
  const usage = usageJson(behavior, pieces.length + (behavior.reasoning?.length ?? 0));
  return JSON.stringify({
    id: context.id,
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(behavior) }],
    ...(usage ? { usage } : {}),
  });
}

function errorJson(status: number, error: MockErrorObject = {}): string {
  const type = status === 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
  return JSON.stringify({
    error: {
      message: error.message ?? `Mock upstream error ${status}`,
      type: error.type ?? type,
      param: error.param ?? null,
      code: error.code ?? null,
    },
  });
}

const modelsCache = new Map<number, string>();

function modelsJson(models: readonly string[] | number): string {
  if (typeof models !== "number") return JSON.stringify({ object: "list", data: models.map(modelEntry) });
  const cached = modelsCache.get(models);
  if (cached !== undefined) return cached;
  const ids = Array.from({ length: models }, (_, index) => `mock-model-${index + 1}`);
  const body = JSON.stringify({ object: "list", data: ids.map(modelEntry) });
  modelsCache.clear();
  modelsCache.set(models, body);
  return body;
}

function modelEntry(id: string): Record<string, JsonValue> {
  return { id, object: "model", created: 1_700_000_000, owned_by: "mock" };
}

// ───────────────────────────── SSE framing ─────────────────────────────

interface ResolvedFraming {
  eol: string;
  comments: boolean;
  eventFields: boolean;
  dataPrefix: string;
  splitBytes: readonly number[] | null;
  splitDelayMs: number;
}

const DEFAULT_SPLIT_BYTES: readonly number[] = [1, 3, 7, 13, 5, 11];
const EOL: Record<SseLineEnding, string> = { lf: "\n", crlf: "\r\n", cr: "\r" };

function framingOptions(framing: SseFraming | undefined): SseFramingOptions {
  if (framing === undefined) return {};
  if (typeof framing !== "string") return framing;
  if (framing === "comments") return { comments: true };
  if (framing === "fields") return { eventFields: true };
  if (framing === "compact") return { compactData: true };
  if (framing === "split") return { splitBytes: DEFAULT_SPLIT_BYTES };
  return { lineEnding: framing };
}

function resolveFraming(framing: SseFraming | undefined): ResolvedFraming {
  const options = framingOptions(framing);
  const split = options.splitBytes;
  return {
    eol: EOL[options.lineEnding ?? "lf"],
    comments: options.comments ?? false,
    eventFields: options.eventFields ?? false,
    dataPrefix: options.compactData ? "data:" : "data: ",
    splitBytes: split === undefined ? null : typeof split === "number" ? [split] : split,
    splitDelayMs: options.splitDelayMs ?? 0,
  };
}

function frameEvent(data: string, framing: ResolvedFraming, eventIndex: number): string {
  const { eol } = framing;
  const comment = framing.comments ? `: ping${eol}` : "";
  const fields = framing.eventFields ? `event: message${eol}id: ${eventIndex}${eol}` : "";
  return `${comment}${fields}${framing.dataPrefix}${data}${eol}${eol}`;
}

/** The events of one stream, split where the script may cut in. */
interface StreamPlan {
  prelude: string[];
  pieces: string[];
  epilogue: string[];
  errorEvent: string;
  framing: ResolvedFraming;
}

function chunkJson(context: AnswerContext, delta: Record<string, JsonValue>, finishReason: string | null): string {
  const { id, created, model } = context;
  return JSON.stringify({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
}

function deltasOf(behavior: MockBehavior, model: string): Record<string, JsonValue>[] {
  const deltas: Record<string, JsonValue>[] = [];
  for (const piece of behavior.reasoning ?? []) deltas.push({ reasoning_content: piece });
  for (const piece of contentPieces(behavior, model)) deltas.push({ content: piece });
  if (behavior.refusal !== undefined) for (const piece of splitWords(behavior.refusal)) deltas.push({ refusal: piece });
  behavior.toolCalls?.forEach((call, index) => deltas.push({ tool_calls: [{ index, ...toolCallJson(call, index) }] }));
  return deltas;
}

function planStream(behavior: MockBehavior, requestModel: string, wantsUsage: boolean): StreamPlan {
  const framing = resolveFraming(behavior.framing);
  const errorEvent = frameEvent(errorJson(500, { message: "Mock in-band error", ...behavior.error }), framing, 0);
  if (behavior.rawSse !== undefined) {
    const pieces = typeof behavior.rawSse === "string" ? [behavior.rawSse] : [...behavior.rawSse];
    return { prelude: [], pieces, epilogue: [], errorEvent, framing };
  }
  const context = answerContext(behavior, requestModel);
  let eventIndex = 0;
  const frame = (data: string): string => frameEvent(data, framing, eventIndex++);
  const prelude = framing.comments ? [`: mock-provider stream${framing.eol}${framing.eol}`] : [];
  prelude.push(frame(chunkJson(context, { role: "assistant", content: "" }, null)));
  const deltas = deltasOf(behavior, requestModel);
  const pieces = deltas.map((delta) => frame(chunkJson(context, delta, null)));
  const epilogue = [frame(chunkJson(context, {}, finishReasonOf(behavior)))];
  const usage = wantsUsage ? usageJson(behavior, deltas.length) : null;
  if (usage) epilogue.push(frame(JSON.stringify({ id: context.id, object: "chat.completion.chunk", created: context.created, model: context.model, choices: [], usage })));
  if (!behavior.omitDone) epilogue.push(frame("[DONE]"));
  return { prelude, pieces, epilogue, errorEvent, framing };
}

type StopKind = "reset" | "stall" | "error";

/** The earliest cut-in point the script asks for, clamped to the number of pieces. */
function stopPointOf(behavior: MockBehavior, pieceCount: number): { kind: StopKind; at: number } | null {
  const candidates: [StopKind, number | undefined][] = [
    ["reset", behavior.resetAfterChunks],
    ["error", behavior.inBandErrorAfterChunks],
    ["stall", behavior.stallAfterChunks],
  ];
  let best: { kind: StopKind; at: number } | null = null;
  for (const [kind, at] of candidates) {
    if (at === undefined) continue;
    const clamped = Math.min(at, pieceCount);
    if (best === null || clamped < best.at) best = { kind, at: clamped };
  }
  return best;
}

/** Cuts a byte stream into pieces of cycling sizes, holding back the tail until more arrives. */
class ByteSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private sizeIndex = 0;

  constructor(private readonly sizes: readonly number[]) {}

  take(text: string, isFinal: boolean): Buffer[] {
    let buffer = Buffer.concat([this.pending, Buffer.from(text)]);
    const pieces: Buffer[] = [];
    for (;;) {
      const size = Math.max(1, this.sizes[this.sizeIndex % this.sizes.length] ?? 1);
      if (buffer.length < size) break;
      pieces.push(buffer.subarray(0, size));
      buffer = buffer.subarray(size);
      this.sizeIndex++;
    }
    if (isFinal && buffer.length > 0) {
      pieces.push(buffer);
      buffer = Buffer.alloc(0);
    }
    this.pending = buffer;
    return pieces;
  }
}

// ───────────────────────────── One exchange ─────────────────────────────

/** The response side of one request: buffered writes, cancellable sleeps, backpressure. */
class Exchange {
  isDone = false;
  private batch: string[] = [];
  private splitter: ByteSplitter | null = null;
  private splitDelayMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private wake: ((isAlive: boolean) => void) | null = null;

  constructor(
    readonly call: MockCall,
    readonly response: ServerResponse,
  ) {}

  useSplitting(sizes: readonly number[], delayMs: number): void {
    this.splitter = new ByteSplitter(sizes);
    this.splitDelayMs = delayMs;
  }

  /** Resolves false when the exchange ended meanwhile. */
  sleep(ms: number): Promise<boolean> {
    if (this.isDone) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => this.finishSleep(true), ms);
    });
  }

  /** Stops every pending step; the response's own close handler calls it too. */
  cancel(): void {
    this.isDone = true;
    this.finishSleep(false);
  }

  send(text: string): void {
    this.batch.push(text);
  }

  /** Writes what is batched; with splitting, the unfinished tail waits unless `isFinal`. */
  async flush(isFinal = false): Promise<boolean> {
    const text = this.batch.length === 1 ? (this.batch[0] ?? "") : this.batch.join("");
    this.batch = [];
    if (this.splitter === null) return text.length === 0 ? !this.isDone : this.writeNow(text);
    for (const piece of this.splitter.take(text, isFinal)) {
      if (!(await this.writeNow(piece))) return false;
      if (!(await this.pauseBetweenPieces())) return false;
    }
    return !this.isDone;
  }

  async end(): Promise<void> {
    if (!(await this.flush(true))) return;
    this.response.end();
  }

  /** Drops the connection: after what was written is delivered, or at once (a reset). */
  async drop(afterFlush: boolean): Promise<void> {
    if (afterFlush && !(await this.flush(true))) return;
    this.call.destroyedByMock = true;
    const socket = this.response.socket;
    if (socket === null || socket.destroyed) return;
    if (afterFlush) socket.destroySoon();
    else socket.resetAndDestroy();
  }

  /** Writes at once, waiting out backpressure; false when the exchange ended meanwhile. */
  async writeNow(chunk: string | Buffer): Promise<boolean> {
    if (this.isDone) return false;
    this.call.writes.push(chunk);
    if (this.response.write(chunk)) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.response.off("drain", done);
        this.response.off("close", done);
        resolve();
      };
      this.response.on("drain", done);
      this.response.on("close", done);
    });
    return !this.isDone;
  }

  private pauseBetweenPieces(): Promise<boolean> {
    if (this.splitDelayMs > 0) return this.sleep(this.splitDelayMs);
    return new Promise((resolve) => setImmediate(() => resolve(!this.isDone)));
  }

  private finishSleep(isAlive: boolean): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const wake = this.wake;
    this.wake = null;
    wake?.(isAlive);
  }
}

// ───────────────────────────── Responding ─────────────────────────────

function applyHeaders(response: ServerResponse, contentType: string | null, behavior: MockBehavior): void {
  if (contentType !== null) response.setHeader("content-type", contentType);
  for (const [name, value] of Object.entries(behavior.headers ?? {})) response.setHeader(name, value);
}

async function sendBody(exchange: Exchange, status: number, contentType: string, body: string, behavior: MockBehavior): Promise<void> {
  const { response, call } = exchange;
  call.status = status;
  const hasNoBody = status === 204 || status === 304;
  applyHeaders(response, hasNoBody ? null : (behavior.contentType ?? contentType), behavior);
  response.statusCode = status;
  if (hasNoBody) {
    response.end();
    return;
  }
  const isStalled = behavior.stallAfterChunks !== undefined;
  if (behavior.truncateAfterBytes === undefined && !isStalled) {
    call.writes.push(body);
    response.end(body);
    return;
  }
  const bytes = Buffer.from(body);
  response.setHeader("content-length", bytes.length);
  response.flushHeaders();
  const isAlive = await exchange.writeNow(bytes.subarray(0, behavior.truncateAfterBytes ?? 0));
  if (isAlive && !isStalled) await exchange.drop(true);
}

async function sendStream(exchange: Exchange, behavior: MockBehavior, plan: StreamPlan): Promise<void> {
  const { response, call } = exchange;
  call.streamed = true;
  call.status = behavior.status ?? 200;
  response.setHeader("cache-control", "no-cache");
  applyHeaders(response, behavior.contentType ?? "text/event-stream; charset=utf-8", behavior);
  response.statusCode = call.status;
  if (plan.framing.splitBytes !== null) exchange.useSplitting(plan.framing.splitBytes, plan.framing.splitDelayMs);
  for (const event of plan.prelude) exchange.send(event);
  const stop = stopPointOf(behavior, plan.pieces.length);
  for (let index = 0; index < plan.pieces.length && index !== stop?.at; index++) {
    const delay = pickDelay(behavior.chunkDelayMs);
    if (delay > 0 && !(await exchange.flush())) return;
    if (!(await exchange.sleep(delay))) return;
    exchange.send(plan.pieces[index] ?? "");
    call.chunksSent++;
  }
  if (stop === null) {
    for (const event of plan.epilogue) exchange.send(event);
    await exchange.end();
  } else await stopStream(exchange, stop.kind, plan);
}

async function stopStream(exchange: Exchange, kind: StopKind, plan: StreamPlan): Promise<void> {
  if (kind === "reset") return exchange.drop(true);
  if (kind === "stall") {
    if (!exchange.response.headersSent) exchange.response.flushHeaders();
    await exchange.flush(true);
    return;
  }
  exchange.send(plan.errorEvent);
  await exchange.end();
}

function wantsStream(behavior: MockBehavior, body: unknown): boolean {
  return behavior.stream ?? (isRecord(body) && body.stream === true);
}

function wantsUsageChunk(behavior: MockBehavior, body: unknown): boolean {
  if (behavior.includeUsageChunk !== undefined) return behavior.includeUsageChunk;
  const options = isRecord(body) ? body.stream_options : undefined;
  return isRecord(options) && options.include_usage === true;
}

/** Answers that ignore the route: redirects, raw bodies and errors. Returns false when none applies. */
async function sendScriptedRaw(exchange: Exchange, behavior: MockBehavior): Promise<boolean> {
  if (behavior.redirectTo !== undefined) {
    exchange.response.setHeader("location", behavior.redirectTo);
    await sendBody(exchange, behavior.status ?? 302, "text/plain; charset=utf-8", "", behavior);
    return true;
  }
  if (behavior.html !== undefined) {
    await sendBody(exchange, behavior.status ?? 200, "text/html; charset=utf-8", behavior.html, behavior);
    return true;
  }
  if (behavior.body !== undefined) {
    const isText = typeof behavior.body === "string";
    const body = typeof behavior.body === "string" ? behavior.body : JSON.stringify(behavior.body);
    await sendBody(exchange, behavior.status ?? 200, isText ? "text/plain; charset=utf-8" : "application/json", body, behavior);
    return true;
  }
  if (behavior.status !== undefined && behavior.status >= 300) {
    await sendBody(exchange, behavior.status, "application/json", errorJson(behavior.status, behavior.error), behavior);
    return true;
  }
  return false;
}

async function answerChat(exchange: Exchange, behavior: MockBehavior): Promise<void> {
  const { call } = exchange;
  const model = call.model ?? "";
  if (await sendScriptedRaw(exchange, behavior)) return;
  if (wantsStream(behavior, call.body)) {
    await sendStream(exchange, behavior, planStream(behavior, model, wantsUsageChunk(behavior, call.body)));
    return;
  }
  await sendBody(exchange, behavior.status ?? 200, "application/json", completionJson(behavior, model), behavior);
}

async function answerModels(exchange: Exchange, behavior: MockBehavior, fallbackIds: readonly string[]): Promise<void> {
  if (await sendScriptedRaw(exchange, behavior)) return;
  await sendBody(exchange, behavior.status ?? 200, "application/json", modelsJson(behavior.models ?? fallbackIds), behavior);
}

type Route = "chat" | "models" | "unknown";

function routeOf(method: string, path: string): Route {
  if (method === "POST" && (path === "/v1/chat/completions" || path === "/chat/completions")) return "chat";
  if (method === "GET" && (path === "/v1/models" || path === "/models")) return "models";
  return "unknown";
}

function readBody(request: IncomingMessage, onBody: (raw: string) => void): void {
  const parts: Buffer[] = [];
  request.on("error", () => undefined);
  request.on("data", (part: Buffer) => parts.push(part));
  request.on("end", () => onBody(parts.length === 1 ? (parts[0]?.toString("utf8") ?? "") : Buffer.concat(parts).toString("utf8")));
}

// ───────────────────────────── The server ─────────────────────────────

interface Waiter {
  check(): void;
  fail(reason: string): void;
}

class MockProviderServer implements MockProvider {
  readonly url: string;
  calls: MockCall[] = [];
  callCount = 0;
  maxOpenConnections = 0;
  activeRequests = 0;
  maxConcurrent = 0;
  private readonly behaviors = new Map<string, MockBehavior>();
  private readonly queues = new Map<string, MockBehavior[]>();
  private readonly sockets = new Set<Socket>();
  private readonly exchanges = new Set<Exchange>();
  private readonly waiters = new Set<Waiter>();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly maxRecordedCalls: number,
  ) {
    this.url = `http://127.0.0.1:${port}/v1`;
    server.on("connection", (socket) => this.trackSocket(socket));
    server.on("request", (request: IncomingMessage, response: ServerResponse) => this.handle(request, response));
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  setBehavior(model: string, behavior: MockBehavior): void {
    this.behaviors.set(model, behavior);
  }

  queue(model: string, ...behaviors: MockBehavior[]): void {
    const queued = this.queues.get(model) ?? [];
    queued.push(...behaviors);
    this.queues.set(model, queued);
  }

  setModels(models: readonly string[] | number): void {
    this.setBehavior(MODELS_LIST, { models });
  }

  reset(): void {
    this.behaviors.clear();
    this.queues.clear();
    this.calls = [];
    this.callCount = 0;
    this.maxConcurrent = this.activeRequests;
    this.maxOpenConnections = this.sockets.size;
  }

  callsFor(model: string): MockCall[] {
    return this.calls.filter((call) => call.model === model);
  }

  stats(): MockProviderStats {
    const { callCount, openConnections, maxOpenConnections, activeRequests, maxConcurrent } = this;
    const abortedCount = this.calls.filter((call) => call.aborted).length;
    return { callCount, abortedCount, openConnections, maxOpenConnections, activeRequests, maxConcurrent };
  }

  waitFor(predicate: () => boolean, timeoutMs = 5_000, describe: () => string = () => "condition"): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        check: () => {
          if (!predicate()) return;
          settle();
          resolve();
        },
        fail: (reason) => {
          settle();
          reject(new Error(`mock provider: ${reason} while waiting for ${describe()}`));
        },
      };
      const timer = setTimeout(() => waiter.fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      // Predicates may read state outside the mock (what a client received), which sends no event.
      const poll = setInterval(() => waiter.check(), 10);
      this.waiters.add(waiter);
    });
  }

  waitForOpenConnections(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.openConnections === count, timeoutMs, () => `${count} open connections (now ${this.openConnections})`);
  }

  waitForCalls(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.callCount >= count, timeoutMs, () => `${count} calls (now ${this.callCount})`);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    for (const exchange of this.exchanges) {
      exchange.call.destroyedByMock = true;
      exchange.cancel();
    }
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await stopped;
    // The server may report closed before every socket's own 'close' event has run.
    await this.waitFor(() => this.sockets.size === 0, 1_000, () => `${this.sockets.size} sockets to close`);
    for (const waiter of [...this.waiters]) waiter.fail("the mock was closed");
  }

  private notify(): void {
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) waiter.check();
  }

  private trackSocket(socket: Socket): void {
    this.sockets.add(socket);
    this.maxOpenConnections = Math.max(this.maxOpenConnections, this.sockets.size);
    socket.on("close", () => {
      this.sockets.delete(socket);
      this.notify();
    });
    this.notify();
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const method = request.method ?? "GET";
    if (path.startsWith("/__mock/")) {
      readBody(request, (raw) => this.control(method, path, raw, response));
      return;
    }
    const call = new MockCall(this.callCount++, method, path, url, request.headers, now());
    const exchange = this.open(call, response);
    readBody(request, (raw) => {
      call.rawBody = raw;
      call.body = parseJson(raw);
      if (isRecord(call.body) && typeof call.body.model === "string") call.model = call.body.model;
      this.respond(exchange, routeOf(method, path)).catch((error: unknown) => {
        console.error("mock provider: failed to answer", call.method, call.path, error);
        void exchange.drop(false);
      });
    });
  }

  /** Records the call and wires the close bookkeeping that measures aborts. */
  private open(call: MockCall, response: ServerResponse): Exchange {
    const exchange = new Exchange(call, response);
    this.record(call);
    this.exchanges.add(exchange);
    this.activeRequests++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.activeRequests);
    response.on("error", () => undefined);
    response.on("finish", () => {
      call.finishedAt = now();
    });
    response.on("close", () => {
      call.closedAt = now();
      if (!response.writableFinished && !call.destroyedByMock) call.aborted = true;
      exchange.cancel();
      this.exchanges.delete(exchange);
      this.activeRequests--;
      this.notify();
    });
    this.notify();
    return exchange;
  }

  private record(call: MockCall): void {
    this.calls.push(call);
    if (this.calls.length > this.maxRecordedCalls * 1.1 + 10) this.calls.splice(0, this.calls.length - this.maxRecordedCalls);
  }

  private nextBehavior(key: string): MockBehavior | undefined {
    const queued = this.queues.get(key);
    if (queued !== undefined && queued.length > 0) return queued.shift();
    return this.behaviors.get(key);
  }

  private resolveBehavior(key: string): MockBehavior {
    return this.nextBehavior(key) ?? this.nextBehavior(ANY_MODEL) ?? {};
  }

  private async respond(exchange: Exchange, route: Route): Promise<void> {
    const { call, response } = exchange;
    if (route === "unknown") {
      await sendBody(exchange, 404, "application/json", errorJson(404, { message: `No route ${call.method} ${call.path}`, code: "not_found" }), {});
      return;
    }
    const behavior = this.resolveBehavior(route === "models" ? MODELS_LIST : (call.model ?? ""));
    call.behavior = behavior;
    if (!(await exchange.sleep(behavior.delayBeforeHeadersMs ?? 0))) return;
    if (behavior.hang) return;
    if (behavior.resetAfterChunks === 0) return exchange.drop(false);
    if (route === "models") return answerModels(exchange, behavior, this.scriptedModelIds());
    if (!response.destroyed) await answerChat(exchange, behavior);
  }

  private scriptedModelIds(): string[] {
    const ids = [...this.behaviors.keys()].filter((key) => key !== ANY_MODEL && key !== MODELS_LIST);
    return ids.length > 0 ? ids : ["mock-model"];
  }

  private control(method: string, path: string, raw: string, response: ServerResponse): void {
    const reply = (status: number, json: string): void => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(json);
    };
    const ok = JSON.stringify({ ok: true });
    const [, , action = "", encodedModel = ""] = path.split("/");
    const model = decodeModel(encodedModel);
    const parsed = parseJson(raw);
    if (action === "reset" && method === "POST") {
      this.reset();
      return reply(200, ok);
    }
    if (action === "stats") return reply(200, JSON.stringify(this.stats()));
    if (action === "calls") return reply(200, JSON.stringify(this.calls));
    if (action === "behavior" && model !== "" && isRecord(parsed)) {
      this.setBehavior(model, parsed as MockBehavior);
      return reply(200, ok);
    }
    if (action === "queue" && model !== "" && (isRecord(parsed) || Array.isArray(parsed))) {
      const behaviors = (Array.isArray(parsed) ? parsed : [parsed]).filter(isRecord);
      this.queue(model, ...behaviors.map((behavior) => behavior as MockBehavior));
      return reply(200, JSON.stringify({ ok: true, queued: behaviors.length }));
    }
    reply(400, errorJson(400, { message: `Unknown control request ${method} ${path}` }));
  }
}

function decodeModel(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return "";
  }
}

export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const server = createServer({ noDelay: true, requestTimeout: 0 });
  // Longer than any client pool's idle timeout, so a reused socket is never closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A provider takes a burst of a thousand connections (the load tests) without dropping SYNs.
    server.listen({ port: options.port ?? 0, host: "127.0.0.1", backlog: 4096 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return new MockProviderServer(server, port, options.maxRecordedCalls ?? Number.POSITIVE_INFINITY);
}

// ───────────────────────────── Standalone ─────────────────────────────

function readFlag(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  if (index !== -1) return argv[index + 1];
  const inline = argv.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function runStandalone(argv: readonly string[]): Promise<void> {
  const behaviorFlag = readFlag(argv, "--behavior");
  const behavior = parseJson(behaviorFlag ?? "");
  if (behaviorFlag !== undefined && !isRecord(behavior)) throw new Error(`--behavior is not a JSON object: ${behaviorFlag}`);
  const mock = await startMockProvider({
    port: Number(readFlag(argv, "--port") ?? 0),
    maxRecordedCalls: Number(readFlag(argv, "--max-recorded-calls") ?? 10_000),
  });
  if (isRecord(behavior)) mock.setBehavior(ANY_MODEL, behavior as MockBehavior);
  process.stdout.write(`${JSON.stringify({ port: mock.port })}\n`);
  const stop = (): void => {
    void mock.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // An orphaned mock would hold its port forever: leave with the process that started it.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1_000).unref();
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  runStandalone(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
