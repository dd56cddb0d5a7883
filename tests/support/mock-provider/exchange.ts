// One request's response: buffered writes, cancellable sleeps, backpressure, and the scripted answers.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { anthropicModelsJson, completionJson, errorJson, isRecord, modelsJson, pickDelay } from "./answers";
import { ByteSplitter, type StopKind, type StreamPlan, planStream, stopPointOf } from "./sse-plan";
import { type MockBehavior, MockCall } from "./types";

/** The response side of one request: buffered writes, cancellable sleeps, backpressure. */
export class Exchange {
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

export function applyHeaders(response: ServerResponse, contentType: string | null, behavior: MockBehavior): void {
  if (contentType !== null) response.setHeader("content-type", contentType);
  for (const [name, value] of Object.entries(behavior.headers ?? {})) response.setHeader(name, value);
}

export async function sendBody(
  exchange: Exchange,
  status: number,
  contentType: string,
  body: string,
  behavior: MockBehavior,
): Promise<void> {
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

export async function sendStream(exchange: Exchange, behavior: MockBehavior, plan: StreamPlan): Promise<void> {
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

export async function stopStream(exchange: Exchange, kind: StopKind, plan: StreamPlan): Promise<void> {
  if (kind === "reset") return exchange.drop(true);
  if (kind === "stall") {
    if (!exchange.response.headersSent) exchange.response.flushHeaders();
    await exchange.flush(true);
    return;
  }
  exchange.send(plan.errorEvent);
  await exchange.end();
}

export function wantsStream(behavior: MockBehavior, body: unknown): boolean {
  return behavior.stream ?? (isRecord(body) && body.stream === true);
}

export function wantsUsageChunk(behavior: MockBehavior, body: unknown): boolean {
  if (behavior.includeUsageChunk !== undefined) return behavior.includeUsageChunk;
  const options = isRecord(body) ? body.stream_options : undefined;
  return isRecord(options) && options.include_usage === true;
}

/** Answers that ignore the route: redirects, raw bodies and errors. Returns false when none applies. */
export async function sendScriptedRaw(exchange: Exchange, behavior: MockBehavior): Promise<boolean> {
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
    await sendBody(
      exchange,
      behavior.status ?? 200,
      isText ? "text/plain; charset=utf-8" : "application/json",
      body,
      behavior,
    );
    return true;
  }
  if (behavior.status !== undefined && behavior.status >= 300) {
    await sendBody(exchange, behavior.status, "application/json", errorJson(behavior.status, behavior.error), behavior);
    return true;
  }
  return false;
}

export async function answerChat(exchange: Exchange, behavior: MockBehavior): Promise<void> {
  const { call } = exchange;
  const model = call.model ?? "";
  if (await sendScriptedRaw(exchange, behavior)) return;
  if (wantsStream(behavior, call.body)) {
    await sendStream(exchange, behavior, planStream(behavior, model, wantsUsageChunk(behavior, call.body)));
    return;
  }
  await sendBody(exchange, behavior.status ?? 200, "application/json", completionJson(behavior, model), behavior);
}

export async function answerModels(
  exchange: Exchange,
  behavior: MockBehavior,
  fallbackIds: readonly string[],
): Promise<void> {
  if (await sendScriptedRaw(exchange, behavior)) return;
  // Anthropic's clients say which API version they speak; its list has another shape.
  const isAnthropic = exchange.call.headers["anthropic-version"] !== undefined;
  const models = behavior.models ?? fallbackIds;
  const body = isAnthropic ? anthropicModelsJson(models) : modelsJson(models);
  await sendBody(exchange, behavior.status ?? 200, "application/json", body, behavior);
}

export type Route =
  | "chat"
  | "messages"
  | "count_tokens"
  | "models"
  | "embeddings"
  | "moderations"
  | "rerank"
  | "images"
  | "completions"
  | "responses"
  | "stored_response"
  | "transcriptions"
  | "image_edits"
  | "speech"
  | "unknown";

const JSON_API_ROUTES: Readonly<Record<string, Route>> = {
  "/v1/embeddings": "embeddings",
  "/v1/moderations": "moderations",
  "/v1/rerank": "rerank",
  "/v1/completions": "completions",
  "/v1/images/generations": "images",
  "/v1/responses": "responses",
  "/v1/audio/transcriptions": "transcriptions",
  "/v1/audio/translations": "transcriptions",
  "/v1/images/edits": "image_edits",
  "/v1/audio/speech": "speech",
};

export function routeOf(method: string, path: string): Route {
  if (method === "POST" && (path === "/v1/chat/completions" || path === "/chat/completions")) return "chat";
  if (method === "POST" && path === "/v1/messages") return "messages";
  if (method === "POST" && path === "/v1/messages/count_tokens") return "count_tokens";
  if (method === "GET" && (path === "/v1/models" || path === "/models")) return "models";
  if (method === "POST" && JSON_API_ROUTES[path] !== undefined) return JSON_API_ROUTES[path];
  if ((method === "GET" || method === "DELETE") && /^\/v1\/responses\/[^/]+$/.test(path)) return "stored_response";
  return "unknown";
}

export function readBody(request: IncomingMessage, onBody: (raw: string, bytes: Buffer) => void): void {
  const parts: Buffer[] = [];
  request.on("error", () => undefined);
  request.on("data", (part: Buffer) => parts.push(part));
  request.on("end", () => {
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    onBody(bytes.toString("utf8"), bytes);
  });
}

/** A multipart body as the mock records it: text fields as strings, files as their name, type, size and hash. */
export async function parseMultipart(bytes: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Response(new Uint8Array(bytes), { headers: { "content-type": contentType } }).formData();
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form) {
    if (typeof value === "string") fields[name] = value;
    else {
      const data = Buffer.from(await value.arrayBuffer());
      const sha256 = createHash("sha256").update(data).digest("hex");
      fields[name] = { filename: value.name, type: value.type, size: value.size, sha256 };
    }
  }
  return fields;
}
