import type { Settings } from "../../db/settings-schema";
import { truncateUtf8 } from "./bytes";
import type { ApiKeyConfig, AttemptRecord, CallLogRecord, GatewayRuntime, ProviderConfig } from "./types";
import { unitCost, type SettledUsage } from "./usage";
import type { PriceUnit } from "../work-kinds";

export interface CallLogEnding {
  status: number;
  error?: string | null;
  usage?: SettledUsage | null;
  ttftMs?: number | null;
  isIncomplete?: boolean;
}

/** A hedged request: the winner's attempt shows the answer's cost, and a loser's work is added to it. */
function addHedgeCosts(record: CallLogRecord): void {
  let losers = 0;
  for (const attempt of record.attempts) {
    if (attempt.outcome === "ok") attempt.cost = record.cost;
    else losers += attempt.cost ?? 0;
  }
  record.cost += losers;
}

/**
 * The one log row of a client request, filled in as the request goes and pushed exactly
 * once when it is over (for a stream: at its end, error or disconnect), rejected requests
 * included. Pushing is a synchronous hand-off; the sink writes in batches elsewhere.
 */
export class CallLog {
  readonly record: CallLogRecord;
  /** The answer's finish reason, for traces; not stored in the row. */
  finishReason: string | null = null;
  private isPushed = false;
  private provider: ProviderConfig | null = null;
  private finishers: ((record: Readonly<CallLogRecord>) => void)[] = [];

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly settings: Settings,
    requestId: string,
    createdAt: number,
    /** Sees the finished row after the sink (a trusted caller reading its own outcome). */
    private readonly onPushed?: (record: Readonly<CallLogRecord>) => void,
  ) {
    this.record = {
      requestId,
      createdAt,
      apiKeyId: null,
      apiKeyName: null,
      groupName: null,
      providerId: null,
      providerName: null,
      status: 0,
      isStream: false,
      latencyMs: 0,
      ttftMs: null,
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      billedUnits: 0,
      billedUnit: "none",
      cost: 0,
      isUsageEstimated: false,
      isIncomplete: false,
      error: null,
      attempts: [],
      api: "chat.completions",
      requestBody: null,
      responseBody: null,
    };
  }

  get storesBodies(): boolean {
    return this.settings.storeBodies;
  }

  get bodyLimit(): number {
    return this.settings.bodyMaxBytes;
  }

  setKey(key: ApiKeyConfig): void {
    this.record.apiKeyId = key.id;
    this.record.apiKeyName = key.name;
  }

  /** A trusted in-process caller: logged by name, with no key id (no key was used). */
  setTrustedCaller(name: string): void {
    this.record.apiKeyId = null;
    this.record.apiKeyName = name;
  }

  setProvider(provider: ProviderConfig): void {
    this.provider = provider;
    this.record.providerId = provider.id;
    this.record.providerName = provider.name;
  }

  addAttempt(attempt: AttemptRecord): void {
    this.record.attempts.push(attempt);
  }

  setRequestBody(bytes: Uint8Array): void {
    if (this.settings.storeBodies) this.record.requestBody = truncateUtf8(bytes, this.settings.bodyMaxBytes);
  }

  setResponseBody(bytes: Uint8Array): void {
    if (this.settings.storeBodies) this.record.responseBody = truncateUtf8(bytes, this.settings.bodyMaxBytes);
  }

  setResponseText(text: string): void {
    if (this.settings.storeBodies) this.record.responseBody = text;
  }

  /** Units of non-token work in the answer; billed at the provider's unit price when its unit matches. */
  bill(unit: PriceUnit, units: number): void {
    this.record.billedUnit = unit;
    this.record.billedUnits = Math.max(0, units);
  }

  /** Runs once the row is final, before it is pushed (the limits settle tokens, leases and spend). */
  whenFinished(finisher: (record: Readonly<CallLogRecord>) => void): void {
    this.finishers.push(finisher);
  }

  finish(ending: CallLogEnding): void {
    if (this.isPushed) return;
    this.isPushed = true;
    const record = this.record;
    record.status = ending.status;
    record.latencyMs = Math.max(0, this.runtime.now() - record.createdAt);
    record.error = ending.error ?? null;
    record.ttftMs = ending.ttftMs ?? null;
    record.isIncomplete = ending.isIncomplete ?? false;
    if (ending.usage) {
      record.promptTokens = ending.usage.promptTokens;
      record.completionTokens = ending.usage.completionTokens;
      record.cachedTokens = ending.usage.cachedTokens;
      record.cacheWriteTokens = ending.usage.cacheWriteTokens;
      record.cost = ending.usage.cost;
      record.isUsageEstimated = ending.usage.isEstimated;
    }
    if (this.provider && record.billedUnits > 0)
      record.cost += unitCost(this.provider, record.billedUnit, record.billedUnits);
    if (record.attempts.some((attempt) => attempt.outcome === "cancelled")) addHedgeCosts(record);
    // A failing sink or observer must not turn a served request into an error.
    for (const finisher of this.finishers) {
      try {
        finisher(record);
      } catch {
        // The row is still pushed.
      }
    }
    try {
      this.runtime.logSink.push(record);
    } catch {
      // The observer still learns how the request ended.
    }
    try {
      this.onPushed?.(record);
    } catch {
      // Same for an observer's bug: the row is already with the sink.
    }
  }
}
