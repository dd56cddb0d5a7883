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
import type { Kysely } from "kysely";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { type CallLogDetail, getCallLog } from "../../db/queries/call-logs";
import { iterateCallLogs } from "../../db/queries/call-log-search";
import { saveSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import type { Settings } from "../../db/settings-schema";
import { type MockProvider, startMockProvider } from "./mock-provider";
import { type Captured, StreamClient, headersOf } from "./seed/captured";
import { GatewaySeeder } from "./seed/seeder";
import { CANARY_PREFIX, MOCK_ENDPOINT, REQUEST_ID_PATTERN, waitForLogRow, waitForLogRows } from "./seed/waits";
import { type TestServer, createTestCipher, startTestServer } from "./server";
import { createServerDatabase } from "./test-store";

// The pieces live in ./seed/: waits, seeder, captured (responses and the streaming client), sse-events.
export {
  CANARY_PREFIX,
  MOCK_ENDPOINT,
  REQUEST_ID_PATTERN,
  keywordHitCount,
  sleep,
  waitForLogRow,
  waitForLogRows,
  waitUntil,
} from "./seed/waits";
export { GatewaySeeder, type KeySpec, type MemberSpec, type ProviderSpec } from "./seed/seeder";
export {
  StreamClient,
  assertErrorShape,
  parseJson,
  type Captured,
  type OpenAIErrorBody,
  type StreamResult,
} from "./seed/captured";
export {
  isUsageOnlyEvent,
  splitSseEvents,
  sseData,
  streamedContent,
  withoutUsageEvent,
  type RawSseEvent,
} from "./seed/sse-events";

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
    // Only a POST is a chat completion, which leaves a log row; another method is refused with 405.
    const isChat = method === "POST" && path === "/v1/chat/completions";
    const tracked: TrackedRequest = { requestId: null, captured: null };
    if (isChat) this.batch.push(tracked);
    const startedAt = performance.now();
    const response = await fetch(`${this.baseUrl}${path}${options.query ?? ""}`, { method, headers, body });
    const text = await response.text();
    const requestId = response.headers.get("x-request-id");
    const captured: Captured = {
      status: response.status,
      headers: headersOf(response.headers),
      body: text,
      requestId,
      elapsedMs: performance.now() - startedAt,
    };
    assert.match(requestId ?? "", REQUEST_ID_PATTERN, `x-request-id on ${method} ${path} (${response.status})`);
    tracked.captured = captured;
    if (isChat) this.identify(tracked, requestId);
    return captured;
  }

  /** POST /v1/chat/completions with a JSON body (objects are serialized, strings sent as is). */
  chat(key: string | null, body: unknown, options: Omit<RequestOptions, "key"> = {}): Promise<Captured> {
    return this.send("POST", "/v1/chat/completions", typeof body === "string" ? body : JSON.stringify(body), {
      ...options,
      key,
    });
  }

  /** A streaming chat request on a raw connection; its row is expected like any other. */
  stream(key: string, body: unknown, headers: Record<string, string> = {}): StreamClient {
    const tracked: TrackedRequest = { requestId: null, captured: null };
    this.batch.push(tracked);
    const client = new StreamClient(
      `${this.baseUrl}/v1/chat/completions`,
      JSON.stringify(body),
      { authorization: `Bearer ${key}`, ...headers },
      (id) => {
        this.identify(tracked, id);
      },
    );
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
    for (const tracked of batch)
      if (tracked.requestId) rows.push(await waitForLogRow(this.db, tracked.requestId, timeoutMs));
    const unidentified = batch.filter((tracked) => tracked.requestId === null).length;
    this.unidentifiedTotal += unidentified;
    const expected = this.knownIds.size + this.unidentifiedTotal + this.surplusRows;
    const count = await waitForLogRows(this.db, expected, timeoutMs);
    const orphans = await this.findOrphanRows();
    if (count !== expected || orphans.length !== unidentified) {
      this.surplusRows += count - expected;
      assert.fail(
        `expected ${batch.length} new log rows (one per request) but found ${count - expected} extra; unmatched rows: ${JSON.stringify(orphans.map((row) => [row.requestId, row.groupName, row.status]))}`,
      );
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
      assert.doesNotMatch(
        captured.body,
        /127\.0\.0\.1|localhost|https?:\/\//,
        `error body names no upstream address: ${captured.body}`,
      );
      for (const port of [this.mock.port, ...this.hiddenPorts]) {
        assert.doesNotMatch(
          captured.body,
          new RegExp(`(^|\\D)${port}(\\D|$)`),
          `error body names no upstream port: ${captured.body}`,
        );
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
    for await (const rows of iterateCallLogs(this.db, {}, 500)) {
      for (const row of rows) {
        if (this.knownIds.has(row.requestId) || this.claimedRows.has(row.requestId)) continue;
        this.claimedRows.add(row.requestId);
        const detail = await getCallLog(this.db, row.requestId);
        if (detail) orphans.push(detail);
      }
    }
    return orphans;
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
    const distDir: Record<string, string> = process.env.NEXT_DIST_DIR
      ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR }
      : {};
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
