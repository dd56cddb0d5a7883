import { hashApiKey } from "../../../db/crypto";
import { BreakerBoard } from "../../../lib/gateway/breaker";
import type {
  ApiKeyConfig,
  CallLogRecord,
  ConfigSnapshot,
  GatewayRuntime,
  GroupConfig,
  GroupMember,
  ProviderConfig,
  UpstreamSend,
} from "../../../lib/gateway/types";
import { defaultSettings, type Settings } from "../../../db/settings-schema";
import { DEFAULT_HEADER_RULE } from "../../../lib/gateway/forward-headers";

export const CLIENT_KEY = "sk-client-key-for-tests-0123456789abcdefghijklmnop";
export const CANARY = "sk-upstream-canary";

/** Provider `n` lives at host `p<n>.test` and carries a canary key that must never leak. */
export function makeProvider(id: number, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    id,
    name: `provider-${id}`,
    baseUrl: `http://p${id}.test/v1`,
    protocol: "openai",
    apiKey: `${CANARY}-${id}`,
    upstreamModel: `upstream-model-${id}`,
    priceInput: 1,
    priceOutput: 2,
    priceCached: 0.5,
    priceCacheWrite: 0,
    priceUnit: "none",
    pricePerUnit: 0,
    kinds: new Set(["chat"]),
    isEnabled: true,
    connectTimeoutMs: null,
    firstTokenTimeoutMs: null,
    totalTimeoutMs: null,
    extraHeaders: {},
    forwardHeaders: DEFAULT_HEADER_RULE,
    streamUsage: true,
    ...overrides,
  };
}

export const TEST_SETTINGS: Settings = {
  ...defaultSettings,
  connectTimeoutMs: 100,
  firstTokenTimeoutMs: 150,
  totalTimeoutMs: 1_000,
  maxAttempts: 3,
};

export interface SnapshotInput {
  providers: ProviderConfig[];
  /** Members of the group "chat" (id 1). */
  members: GroupMember[];
  extraGroups?: GroupConfig[];
  keys?: { key: string; config: Partial<ApiKeyConfig> }[];
  keywords?: { id: number; keyword: string }[];
  settings?: Partial<Settings>;
}

export function makeSnapshot(input: SnapshotInput): ConfigSnapshot {
  const groups: GroupConfig[] = [{ id: 1, name: "chat", members: input.members }, ...(input.extraGroups ?? [])];
  const keys = input.keys ?? [{ key: CLIENT_KEY, config: {} }];
  return {
    version: 1,
    providers: new Map(input.providers.map((provider) => [provider.id, provider])),
    groupsByName: new Map(groups.map((group) => [group.name, group])),
    keysByHash: new Map(
      keys.map(({ key, config }, index) => [
        hashApiKey(key),
        {
          id: index + 1,
          name: `key-${index + 1}`,
          isEnabled: true,
          allGroups: false,
          groupIds: new Set([1]),
          expiresAt: null,
          ...config,
        },
      ]),
    ),
    keywords: input.keywords ?? [],
    settings: { ...TEST_SETTINGS, ...input.settings },
  };
}

export interface TestRuntime {
  runtime: GatewayRuntime;
  logs: CallLogRecord[];
  keywordHits: { id: number; at: number }[];
  keyTouches: number[];
}

export function makeRuntime(
  snapshot: ConfigSnapshot,
  send: UpstreamSend,
  overrides: Partial<GatewayRuntime> = {},
): TestRuntime {
  const logs: CallLogRecord[] = [];
  const keywordHits: { id: number; at: number }[] = [];
  const keyTouches: number[] = [];
  const runtime: GatewayRuntime = {
    getSnapshot: () => snapshot,
    send,
    now: () => Date.now(),
    random: () => 0,
    breakers: new BreakerBoard(),
    logSink: { push: (record) => logs.push(record) },
    keywordHits: { recordHit: (id, at) => keywordHits.push({ id, at }) },
    keyUsage: { touch: (id) => keyTouches.push(id) },
    maxBodyBytes: 64 * 1024,
    ...overrides,
  };
  return { runtime, logs, keywordHits, keyTouches };
}

export function chatRequest(
  body: unknown,
  options: { key?: string | null; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  const key = options.key === undefined ? CLIENT_KEY : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  return new Request("http://gateway.test/v1/chat/completions", {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: options.signal,
  });
}

export const HELLO = { model: "chat", messages: [{ role: "user", content: "Say hello" }] };

/** A seeded PRNG (mulberry32) so weighted draws are repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Waits until the condition holds (log rows are pushed when a stream ends). */
export async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function readJson(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/** Asserts nothing in a response body or log row carries a provider key or base URL. */
export function findSecrets(text: string): boolean {
  return text.includes(CANARY) || /p\d+\.test/.test(text);
}
