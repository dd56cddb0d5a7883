/**
 * API-test fixture: configures a gateway through the db/queries functions (as the dashboard
 * would), starts the production server in front of the mock provider, and checks what every
 * RELIABILITY case must hold besides its own expectation: the process is alive, exactly one log
 * row per client request, and no provider key in any response, header, log row or output.
 *
 *   const gw = await startGateway({ settings: { maxAttempts: 2 }, async seed(s) {
 *     await s.group("chat", ["up-a", { model: "up-b", priority: 2 }]);   // providers = mock models
 *     key = await s.key("app", { groups: ["chat"] });
 *   }});
 *   gw.mock.setBehavior("up-a", { status: 503 });
 *   const response = await gw.chat(key, { model: "chat", messages });
 *   const [row] = await gw.settle();                                       // at the end of each test
 *
 * Providers are named after their upstream model id, which selects the mock's behaviour, so
 * tests that use distinct models never share a breaker or a script.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { createApiKey, setApiKeyEnabled } from "../../db/queries/api-keys";
import { countCallLogs, getCallLog, listCallLogs, type CallLogCursor, type CallLogDetail } from "../../db/queries/call-logs";
import { createCredential } from "../../db/queries/credentials";
import { createGroup, setGroupMember } from "../../db/queries/groups";
import { createKeyword, listKeywords } from "../../db/queries/keywords";
import { createProvider } from "../../db/queries/providers";
import { saveSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import type { SecretCipher } from "../../lib/crypto";
import type { Settings } from "../../lib/settings-schema";
import { startMockProvider, type MockProvider } from "./mock-provider";
import { createTestCipher, startTestServer, type TestServer } from "./server";
import { createServerDatabase } from "./test-store";

/** Every provider key starts with this; it must never be found outside the mock's request log. */
export const CANARY_PREFIX = "sk-canary-";
export const MOCK_ENDPOINT = "mock";
export const REQUEST_ID_PATTERN = /^req_[0-9a-f]{32}$/;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns something other than undefined/false. */
export async function waitUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, describe: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${describe}`);
    await sleep(25);
  }
}

export function waitForLogRows(db: Kysely<Database>, count: number, timeoutMs = 5_000): Promise<number> {
  return waitUntil(async () => {
    const n = await countCallLogs(db);
    return n >= count ? n : undefined;
  }, timeoutMs, `${count} call log rows`);
}

export function waitForLogRow(db: Kysely<Database>, requestId: string, timeoutMs = 5_000): Promise<CallLogDetail> {
  return waitUntil(() => getCallLog(db, requestId), timeoutMs, `the log row of ${requestId}`);
}

export async function keywordHitCount(db: Kysely<Database>, keywordId: number): Promise<number> {
  const keyword = (await listKeywords(db)).find((entry) => entry.id === keywordId);
  return keyword?.hitCount ?? -1;
}

// ───────────────────────────── Seeding ─────────────────────────────

export interface ProviderSpec {
  /** Endpoint (credential) name; defaults to the mock. */
  endpoint?: string;
  isEnabled?: boolean;
  priceInput?: number;
  priceOutput?: number;
  priceCached?: number;
  connectTimeoutMs?: number | null;
  firstTokenTimeoutMs?: number | null;
  totalTimeoutMs?: number | null;
}

export interface MemberSpec extends ProviderSpec {
  /** Upstream model id and provider name: it selects the mock's behaviour. */
  model: string;
  /** Defaults to the member's position (1, 2, 3…): a plain failover chain. */
  priority?: number;
  weight?: number;
}

export interface KeySpec {
  groups?: readonly string[];
  allGroups?: boolean;
  expiresAt?: number | null;
  isEnabled?: boolean;
}

export class GatewaySeeder {
  private readonly endpoints = new Map<string, number>();
  private readonly providers = new Map<string, number>();
  private readonly groups = new Map<string, number>();

  constructor(
    readonly db: Kysely<Database>,
    private readonly cipher: SecretCipher,
    readonly canaryKey: string,
  ) {}

  /** An endpoint credential; every one carries the canary key unless told otherwise. */
  async endpoint(name: string, baseUrl: string, apiKey = this.canaryKey): Promise<number> {
    const id = await createCredential(this.db, this.cipher, { name, baseUrl, apiKey });
    this.endpoints.set(name, id);
    return id;
  }

  async provider(model: string, spec: ProviderSpec = {}): Promise<number> {
    const known = this.providers.get(model);
    if (known !== undefined) return known;
    const credentialId = this.endpoints.get(spec.endpoint ?? MOCK_ENDPOINT);
    if (credentialId === undefined) throw new Error(`No endpoint named ${spec.endpoint}`);
    const id = await createProvider(this.db, {
      name: model,
      credentialId,
      upstreamModel: model,
      priceInput: spec.priceInput ?? 1,
      priceOutput: spec.priceOutput ?? 2,
      priceCached: spec.priceCached ?? 0.5,
      isEnabled: spec.isEnabled ?? true,
      connectTimeoutMs: spec.connectTimeoutMs ?? null,
      firstTokenTimeoutMs: spec.firstTokenTimeoutMs ?? null,
      totalTimeoutMs: spec.totalTimeoutMs ?? null,
    });
    this.providers.set(model, id);
    return id;
  }

  async group(name: string, members: readonly (string | MemberSpec)[]): Promise<number> {
    const groupId = await createGroup(this.db, { name });
    this.groups.set(name, groupId);
    for (const [index, entry] of members.entries()) {
      const member = typeof entry === "string" ? { model: entry } : entry;
      const providerId = await this.provider(member.model, member);
      await setGroupMember(this.db, groupId, { providerId, priority: member.priority ?? index + 1, weight: member.weight ?? 1 });
    }
    return groupId;
  }

  /** Returns the full client key. */
  async key(name: string, spec: KeySpec = {}): Promise<string> {
    const { id, key } = await createApiKey(this.db, {
      name,
      allGroups: spec.allGroups ?? false,
      groupIds: (spec.groups ?? []).map((group) => this.groupId(group)),
      expiresAt: spec.expiresAt ?? null,
    });
    if (spec.isEnabled === false) await setApiKeyEnabled(this.db, id, false);
    return key;
  }

  keyword(text: string): Promise<number> {
    return createKeyword(this.db, { keyword: text });
  }

  providerId(model: string): number {
    const id = this.providers.get(model);
    if (id === undefined) throw new Error(`No provider ${model}`);
    return id;
  }

  groupId(name: string): number {
    const id = this.groups.get(name);
    if (id === undefined) throw new Error(`No group ${name}`);
    return id;
  }
}

// ───────────────────────────── Responses ─────────────────────────────

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

function headersOf(headers: Headers | IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) headers.forEach((value, name) => (out[name] = value));
  else for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
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

  constructor(url: string, body: string, headers: Record<string, string>, onHeaders: (requestId: string | null) => void) {
    let settle: (result: StreamResult) => void = () => undefined;
    this.finished = new Promise((resolve) => (settle = resolve));
    const request = httpRequest(url, { method: "POST", agent: false, headers: { "content-type": "application/json", ...headers } });
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

// ───────────────────────────── The gateway under test ─────────────────────────────

export interface StartGatewayOptions {
  env?: Record<string, string>;
  /** Saved before start; bodies are stored by default so the canary scan covers them too. */
  settings?: Partial<Settings>;
  /** Where the database and secrets live (a fresh folder inside it); defaults to the system temp folder. */
  parentDir?: string;
  seed(seeder: GatewaySeeder, mock: MockProvider): Promise<void>;
}

export interface RequestOptions {
  key?: string | null;
  headers?: Record<string, string>;
  query?: string;
}

interface TrackedRequest {
  requestId: string | null;
  captured: Captured | null;
}

export class Gateway {
  private batch: TrackedRequest[] = [];
  private readonly knownIds = new Set<string>();
  private readonly claimedRows = new Set<string>();
  private unidentifiedTotal = 0;
  /** Ports of other upstreams (a closed port, a second mock) that no error body may name. */
  readonly hiddenPorts: number[] = [];
  /** Rows beyond the requests, already reported once, so one surplus fails one test only. */
  private surplusRows = 0;

  constructor(
    readonly server: TestServer,
    readonly mock: MockProvider,
    readonly db: Kysely<Database>,
    readonly seeder: GatewaySeeder,
    private readonly dataDir: string,
    private readonly cleanupDatabase: () => Promise<void> = async () => undefined,
  ) {}

  get canaryKey(): string {
    return this.seeder.canaryKey;
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  async send(method: string, path: string, body: string | undefined, options: RequestOptions = {}): Promise<Captured> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (body !== undefined) headers["content-type"] ??= "application/json";
    const isChat = path === "/v1/chat/completions";
    const tracked: TrackedRequest = { requestId: null, captured: null };
    if (isChat) this.batch.push(tracked);
    const startedAt = performance.now();
    const response = await fetch(`${this.baseUrl}${path}${options.query ?? ""}`, { method, headers, body });
    const text = await response.text();
    const requestId = response.headers.get("x-request-id");
    const captured: Captured = { status: response.status, headers: headersOf(response.headers), body: text, requestId, elapsedMs: performance.now() - startedAt };
    assert.match(requestId ?? "", REQUEST_ID_PATTERN, `x-request-id on ${method} ${path} (${response.status})`);
    tracked.captured = captured;
    if (isChat) this.identify(tracked, requestId);
    return captured;
  }

  /** POST /v1/chat/completions with a JSON body (objects are serialized, strings sent as is). */
  chat(key: string | null, body: unknown, options: Omit<RequestOptions, "key"> = {}): Promise<Captured> {
    return this.send("POST", "/v1/chat/completions", typeof body === "string" ? body : JSON.stringify(body), { ...options, key });
  }

  /** A streaming chat request on a raw connection; its row is expected like any other. */
  stream(key: string, body: unknown, headers: Record<string, string> = {}): StreamClient {
    const tracked: TrackedRequest = { requestId: null, captured: null };
    this.batch.push(tracked);
    const client = new StreamClient(`${this.baseUrl}/v1/chat/completions`, JSON.stringify(body), { authorization: `Bearer ${key}`, ...headers }, (id) => {
      this.identify(tracked, id);
    });
    void client.finished.then((result) => (tracked.captured = result));
    return client;
  }

  /** Counts a chat request made by other means (an SDK, a raw socket); null id if unknown. */
  track(requestId: string | null, captured: Captured | null = null): void {
    const tracked: TrackedRequest = { requestId: null, captured };
    this.batch.push(tracked);
    this.identify(tracked, requestId);
  }

  /**
   * Ends a test: waits for the log row of every chat request since the last call, checks
   * there is exactly one per request (rows of requests whose id the client never saw are
   * matched by count), that nothing holds the canary, and that the server is alive. Rows come
   * back in request order; unidentified requests' rows last.
   */
  async settle(timeoutMs = 8_000): Promise<CallLogDetail[]> {
    const batch = this.batch;
    this.batch = [];
    const rows: CallLogDetail[] = [];
    for (const tracked of batch) if (tracked.requestId) rows.push(await waitForLogRow(this.db, tracked.requestId, timeoutMs));
    const unidentified = batch.filter((tracked) => tracked.requestId === null).length;
    this.unidentifiedTotal += unidentified;
    const expected = this.knownIds.size + this.unidentifiedTotal + this.surplusRows;
    const count = await waitForLogRows(this.db, expected, timeoutMs);
    const orphans = await this.findOrphanRows();
    if (count !== expected || orphans.length !== unidentified) {
      this.surplusRows += count - expected;
      assert.fail(`expected ${batch.length} new log rows (one per request) but found ${count - expected} extra; unmatched rows: ${JSON.stringify(orphans.map((row) => [row.requestId, row.groupName, row.status]))}`);
    }
    rows.push(...orphans);
    for (const row of rows) this.assertNoSecret(JSON.stringify(row), `log row ${row.requestId}`);
    for (const tracked of batch) if (tracked.captured) this.assertCapturedClean(tracked.captured);
    await this.assertAlive();
    return rows;
  }

  /** The body and headers of a response must not hold a provider key; error bodies no address either. */
  assertCapturedClean(captured: Captured): void {
    this.assertNoSecret(captured.body, `response body (${captured.status})`);
    this.assertNoSecret(JSON.stringify(captured.headers), "response headers");
    if (captured.status >= 400 || captured.body.includes('"error"')) {
      assert.doesNotMatch(captured.body, /127\.0\.0\.1|localhost|https?:\/\//, `error body names no upstream address: ${captured.body}`);
      for (const port of [this.mock.port, ...this.hiddenPorts]) {
        assert.doesNotMatch(captured.body, new RegExp(`(^|\\D)${port}(\\D|$)`), `error body names no upstream port: ${captured.body}`);
      }
    }
  }

  assertNoSecret(text: string, where: string): void {
    assert.ok(!text.includes(CANARY_PREFIX), `a provider key leaked into ${where}: ${text.slice(0, 500)}`);
  }

  async assertAlive(): Promise<void> {
    assert.equal(this.server.process.exitCode, null, `server exited:\n${this.server.output()}`);
    assert.equal(this.server.process.signalCode, null, "server killed by a signal");
    const health = await fetch(`${this.baseUrl}/api/health`);
    assert.equal(health.status, 200);
    await health.arrayBuffer();
  }

  /** Stops everything; fails if the server ever printed a provider key. */
  async stop(): Promise<number | null> {
    const code = await this.server.stop();
    const output = this.server.output();
    await this.mock.close();
    await this.db.destroy();
    await this.cleanupDatabase();
    rmSync(this.dataDir, { recursive: true, force: true });
    this.assertNoSecret(output, "server output");
    return code;
  }

  private identify(tracked: TrackedRequest, requestId: string | null): void {
    if (requestId === null || tracked.requestId !== null) return;
    tracked.requestId = requestId;
    assert.ok(!this.knownIds.has(requestId), `request id ${requestId} reused`);
    this.knownIds.add(requestId);
  }

  private async findOrphanRows(): Promise<CallLogDetail[]> {
    const orphans: CallLogDetail[] = [];
    let before: CallLogCursor | undefined;
    for (;;) {
      const page = await listCallLogs(this.db, { limit: 500, before });
      for (const row of page.rows) {
        if (this.knownIds.has(row.requestId) || this.claimedRows.has(row.requestId)) continue;
        this.claimedRows.add(row.requestId);
        const detail = await getCallLog(this.db, row.requestId);
        if (detail) orphans.push(detail);
      }
      if (!page.next) return orphans;
      before = page.next;
    }
  }
}

export async function startGateway(options: StartGatewayOptions): Promise<Gateway> {
  const dataDir = mkdtempSync(join(options.parentDir ?? tmpdir(), "aps-api-"));
  const database = await createServerDatabase(dataDir);
  const databaseUrl = database.url;
  const db = createDb(databaseUrl);
  const mock = await startMockProvider();
  try {
    await migrateToLatest(db);
    const seeder = new GatewaySeeder(db, createTestCipher(), `${CANARY_PREFIX}${randomBytes(16).toString("hex")}`);
    await seeder.endpoint(MOCK_ENDPOINT, mock.url);
    await saveSettings(db, { storeBodies: true, ...options.settings });
    await options.seed(seeder, mock);
    // A private build folder (see next.config.mjs) must reach the server as well.
    const distDir: Record<string, string> = process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {};
    const server = await startTestServer({ databaseUrl, dataDir, env: { ...distDir, ...options.env } });
    return new Gateway(server, mock, db, seeder, dataDir, database.cleanup);
  } catch (error) {
    await mock.close();
    await db.destroy();
    await database.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

// ───────────────────────────── SSE ─────────────────────────────

export interface RawSseEvent {
  /** The exact text of the event, its closing blank line included. */
  raw: string;
  /** Its data lines joined with "\n", or null for comment-only blocks. */
  data: string | null;
}

/** Splits an SSE body into events without changing a byte; LF, CRLF and CR line ends alike. */
export function splitSseEvents(text: string): RawSseEvent[] {
  const events: RawSseEvent[] = [];
  let start = 0;
  let data: string[] = [];
  let index = 0;
  while (index < text.length) {
    const lineEnd = text.slice(index).search(/\r\n|\r|\n/);
    const end = lineEnd === -1 ? text.length : index + lineEnd;
    const line = text.slice(index, end);
    index = lineEnd === -1 ? text.length : end + (text.startsWith("\r\n", end) ? 2 : 1);
    if (line === "") {
      events.push({ raw: text.slice(start, index), data: data.length > 0 ? data.join("\n") : null });
      start = index;
      data = [];
    } else if (line.startsWith("data:")) {
      data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
  }
  if (start < text.length) events.push({ raw: text.slice(start), data: data.length > 0 ? data.join("\n") : null });
  return events;
}

export function isUsageOnlyEvent(event: RawSseEvent): boolean {
  if (event.data === null || event.data === "[DONE]") return false;
  try {
    const payload = JSON.parse(event.data) as { choices?: unknown; usage?: unknown };
    return Array.isArray(payload.choices) && payload.choices.length === 0 && typeof payload.usage === "object" && payload.usage !== null;
  } catch {
    return false;
  }
}

/** What a client that did not ask for usage should receive of an upstream stream. */
export function withoutUsageEvent(text: string): string {
  return splitSseEvents(text)
    .filter((event) => !isUsageOnlyEvent(event))
    .map((event) => event.raw)
    .join("");
}

/** The `data` payloads of a stream, parsed where they are JSON. */
export function sseData(text: string): (string | Record<string, unknown>)[] {
  return splitSseEvents(text)
    .map((event) => event.data)
    .filter((data): data is string => data !== null)
    .map((data) => {
      try {
        return JSON.parse(data) as Record<string, unknown>;
      } catch {
        return data;
      }
    });
}

/** The assistant text carried by a stream's content deltas. */
export function streamedContent(text: string): string {
  let content = "";
  for (const data of sseData(text)) {
    if (typeof data === "string") continue;
    const choices = Array.isArray(data.choices) ? (data.choices as { delta?: { content?: unknown } }[]) : [];
    for (const choice of choices) if (typeof choice.delta?.content === "string") content += choice.delta.content;
  }
  return content;
}
