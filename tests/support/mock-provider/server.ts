// The mock's HTTP server: behaviour lookup, recording, waiters and the /__mock control routes.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { Socket } from "node:net";
import { errorJson, isRecord, parseJson } from "./answers";
import {
  Exchange,
  type Route,
  answerChat,
  answerModels,
  parseMultipart,
  readBody,
  routeOf,
  sendBody,
} from "./exchange";
import { answerImageEdit, answerSpeech, answerTranscription } from "./audio";
import { answerResponses, answerStoredResponse } from "./responses";
import { answerCountTokens, answerMessages } from "./messages";
import { answerJsonApi } from "./json-apis";
import { answerCompletions } from "./completions";
import {
  ANY_MODEL,
  MODELS_LIST,
  type MockBehavior,
  MockCall,
  type MockProvider,
  type MockProviderOptions,
  type MockProviderStats,
  now,
} from "./types";

export interface Waiter {
  check(): void;
  fail(reason: string): void;
}

export class MockProviderServer implements MockProvider {
  readonly url: string;
  calls: MockCall[] = [];
  callCount = 0;
  maxOpenConnections = 0;
  activeRequests = 0;
  maxConcurrent = 0;
  private readonly behaviors = new Map<string, MockBehavior>();
  /** Calls seen per model, for `delayCycleMs`. */
  private readonly cycles = new Map<string, number>();
  private readonly queues = new Map<string, MockBehavior[]>();
  private readonly sockets = new Set<Socket>();
  private readonly exchanges = new Set<Exchange>();
  private readonly waiters = new Set<Waiter>();
  /** Responses stored by POST /v1/responses (unless `store: false`), by id. */
  readonly storedResponses = new Map<string, string>();
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
    this.cycles.clear();
    this.queues.clear();
    this.storedResponses.clear();
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
    return this.waitFor(
      () => this.openConnections === count,
      timeoutMs,
      () => `${count} open connections (now ${this.openConnections})`,
    );
  }

  waitForCalls(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(
      () => this.callCount >= count,
      timeoutMs,
      () => `${count} calls (now ${this.callCount})`,
    );
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
    await this.waitFor(
      () => this.sockets.size === 0,
      5_000,
      () => `${this.sockets.size} sockets to close`,
    );
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
    readBody(request, (raw, bytes) => {
      call.rawBody = raw;
      call.rawBytes = bytes;
      const contentType = request.headers["content-type"] ?? "";
      const parsed = contentType.startsWith("multipart/form-data")
        ? parseMultipart(bytes, contentType).catch(() => undefined)
        : Promise.resolve(parseJson(raw));
      parsed
        .then((body) => {
          call.body = body;
          if (isRecord(call.body) && typeof call.body.model === "string") call.model = call.body.model;
          return this.respond(exchange, routeOf(method, path));
        })
        .catch((error: unknown) => {
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

  private headersDelay(model: string, behavior: MockBehavior): number {
    const cycle = behavior.delayCycleMs;
    if (!cycle || cycle.length === 0) return behavior.delayBeforeHeadersMs ?? 0;
    const count = this.cycles.get(model) ?? 0;
    this.cycles.set(model, count + 1);
    return cycle[count % cycle.length]!;
  }

  private record(call: MockCall): void {
    this.calls.push(call);
    if (this.calls.length > this.maxRecordedCalls * 1.1 + 10)
      this.calls.splice(0, this.calls.length - this.maxRecordedCalls);
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
      await sendBody(
        exchange,
        404,
        "application/json",
        errorJson(404, { message: `No route ${call.method} ${call.path}`, code: "not_found" }),
        {},
      );
      return;
    }
    if (route === "stored_response") return answerStoredResponse(exchange, this.storedResponses);
    const behavior = this.resolveBehavior(route === "models" ? MODELS_LIST : (call.model ?? ""));
    call.behavior = behavior;
    if (!(await exchange.sleep(this.headersDelay(call.model ?? "", behavior)))) return;
    if (behavior.hang) return;
    if (behavior.resetAfterChunks === 0) return exchange.drop(false);
    if (route === "models") return answerModels(exchange, behavior, this.scriptedModelIds());
    if (route === "messages") return answerMessages(exchange, behavior);
    if (route === "count_tokens") return answerCountTokens(exchange, behavior);
    if (route === "completions") return answerCompletions(exchange, behavior);
    if (route === "embeddings" || route === "moderations" || route === "rerank" || route === "images")
      return answerJsonApi(exchange, route, behavior);
    if (route === "responses") return answerResponses(exchange, behavior, this.storedResponses);
    if (route === "transcriptions") return answerTranscription(exchange, behavior);
    if (route === "image_edits") return answerImageEdit(exchange, behavior);
    if (route === "speech") return answerSpeech(exchange, behavior);
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

export function decodeModel(encoded: string): string {
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
