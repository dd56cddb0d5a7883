import type { CallLogRecord } from "../../db/queries/call-logs";
import type { EndpointProtocol, PriceUnit, WorkKind } from "../../db/schema";
import type { KeyLimits, RateLimits } from "../../db/limits";
import type { Settings } from "../../db/settings-schema";
import type { HeaderRule } from "./forward-headers";

/**
 * The gateway core's view of the world. Everything here is plain data handed in by the
 * caller (the route handler builds it from the in-memory config cache), so every rule can
 * be unit-tested without a database or a framework.
 */

export interface ProviderConfig {
  id: number;
  name: string;
  /** Base URL of the endpoint: `https://host/v1` (OpenAI-compatible) or `https://api.anthropic.com` (Anthropic). */
  baseUrl: string;
  /** The wire protocol the endpoint speaks. */
  protocol: EndpointProtocol;
  /** Decrypted upstream API key. Never logged, never returned to a client. */
  apiKey: string;
  upstreamModel: string;
  /** Prices in currency units per 1M tokens. */
  priceInput: number;
  priceOutput: number;
  priceCached: number;
  /** Prompt-cache writes (Anthropic's cache creation tokens). */
  priceCacheWrite: number;
  /** What `pricePerUnit` is per (an image, a second of audio, 1M characters), besides tokens. */
  priceUnit: PriceUnit;
  pricePerUnit: number;
  /** The kinds of work it serves (ticked, or guessed from the model id). */
  kinds: ReadonlySet<WorkKind>;
  isEnabled: boolean;
  /** Per-provider overrides; null means the settings' default. */
  connectTimeoutMs: number | null;
  firstTokenTimeoutMs: number | null;
  totalTimeoutMs: number | null;
  extraHeaders: Readonly<Record<string, string>>;
  /** The client headers this endpoint forwards (`lib/gateway/forward-headers.ts`). */
  forwardHeaders: HeaderRule;
  /** Ask this endpoint for the usage chunk on streams when the client did not choose. */
  streamUsage: boolean;
  /** Protects the upstream account: at its limit the provider is skipped like an open breaker. */
  limits?: RateLimits;
}

export type { KeyLimits, RateLimits } from "../../db/limits";

export interface GroupMember {
  providerId: number;
  /** 1 is tried first. */
  priority: number;
  /** Load share among members of equal priority. */
  weight: number;
}

export interface GroupConfig {
  id: number;
  name: string;
  members: readonly GroupMember[];
  limits?: RateLimits;
  /** How providers within one priority are ordered; absent means `weighted`. */
  strategy?: import("./routing-strategy").RoutingStrategy;
  /** Hedged first tokens; absent means off. */
  hedge?: import("../../db/hedging").HedgePolicy;
}

export interface ApiKeyConfig {
  id: number;
  name: string;
  isEnabled: boolean;
  /** When true the key may call every group, including ones created later. */
  allGroups: boolean;
  groupIds: ReadonlySet<number>;
  /** Epoch milliseconds, or null for no expiry. */
  expiresAt: number | null;
  limits?: KeyLimits;
}

/** What decides which groups a caller may use: an API key's list, or every group. */
export type GroupAccess = Pick<ApiKeyConfig, "allGroups" | "groupIds">;

/**
 * A caller inside this process that the gateway serves without an API key: the dashboard
 * playground, after it checked the admin session itself. It may call every group and is
 * logged under its name with no key id. Only server code builds one; nothing a client
 * sends can turn a request into a trusted one.
 */
export interface TrustedCaller {
  /** Shown as the key name in the call log, e.g. "dashboard playground". */
  name: string;
  /** Receives the request's log row once it is final, right after the log sink took it. */
  onLogged?(record: Readonly<CallLogRecord>): void;
}

export interface KeywordConfig {
  id: number;
  keyword: string;
}

/** An immutable picture of the configuration, swapped whole when it changes. */
export interface ConfigSnapshot {
  version: number;
  providers: ReadonlyMap<number, ProviderConfig>;
  groupsByName: ReadonlyMap<string, GroupConfig>;
  /** Keyed by the SHA-256 hex of the full key. */
  keysByHash: ReadonlyMap<string, ApiKeyConfig>;
  /** Enabled keywords only. */
  keywords: readonly KeywordConfig[];
  settings: Settings;
}

export type { AttemptOutcome, AttemptRecord, CallLogRecord } from "../../db/queries/call-logs";
export interface LogSink {
  push(record: CallLogRecord): void;
}

export interface KeywordHitSink {
  recordHit(keywordId: number, at: number): void;
}

export interface KeyUsageSink {
  touch(apiKeyId: number, at: number): void;
}

export interface UpstreamRequest {
  url: string;
  method: "GET" | "POST" | "DELETE";
  headers: Record<string, string>;
  body?: string | Uint8Array;
  connectTimeoutMs: number;
  /** Aborting it destroys the connection at once. */
  signal: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: AsyncIterable<Uint8Array>;
  /** Releases the connection; safe to call more than once. */
  close(): void;
}

/** Sends one request upstream; rejects on connection errors and aborts. */
export type UpstreamSend = (request: UpstreamRequest) => Promise<UpstreamResponse>;

export type BreakerStateName = "closed" | "open" | "half_open";

/** Why a breaker opened: N of the last M requests failed, the provider asked for a rest, or the probe failed. */
export type BreakerReason = "failure_rate" | "retry_after" | "probe_failed";

export interface BreakerView {
  state: BreakerStateName;
  /** Epoch ms when an open breaker lets a probe through; null when closed. */
  openUntil: number | null;
  /** Failures counted inside the current window. */
  recentFailures: number;
  /** Why it is open or half-open; null when closed. */
  reason: BreakerReason | null;
  /** The plain reason of the provider's latest failure (never a URL or key). */
  lastFailure: string | null;
}

/**
 * Everything a request handler needs, owned by the server process (lib/runtime.ts) and
 * by tests. `getSnapshot` is synchronous: the request path never reads configuration
 * from the database.
 */
export interface GatewayRuntime {
  getSnapshot(): ConfigSnapshot;
  send: UpstreamSend;
  now(): number;
  random(): number;
  breakers: import("./breaker").BreakerBoard;
  /** Live per-provider latency and load figures; absent in tests that do not need them. */
  providerStats?: import("./provider-stats").ProviderStatsBoard;
  /** Bounds the extra requests hedging costs; hedging is off without one. */
  hedgeBudget?: import("./hedge-budget").HedgeBudget;
  /** OpenTelemetry spans per request and attempt; absent (tracing off) costs nothing. */
  tracer?: import("./tracing").GatewayTracer;
  logSink: LogSink;
  keywordHits: KeywordHitSink;
  keyUsage: KeyUsageSink;
  /** Request bodies larger than this are refused with 413 while they stream in. */
  maxBodyBytes: number;
  /** The gateway's own limits and budgets (lib/limits); absent means none are enforced. */
  limits?: import("../limits/limiter").Limiter;
  /** When it returns true, new chat requests get 503 `server_shutting_down` (graceful drain). */
  isShuttingDown?(): boolean;
}
