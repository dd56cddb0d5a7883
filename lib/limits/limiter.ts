import { nextUtcMonthStart, utcDayStart } from "../../db/queries/key-spend";
import { DAY_MS } from "../../db/queries/usage-rollup";
import type { GatewayError } from "../gateway/errors";
import type { ApiKeyConfig, CallLogRecord, GroupConfig, ProviderConfig, RateLimits } from "../gateway/types";
import { budgetRefusal, describeRefusal, rateLimitHeaders, type TakenWindow } from "./refusal";
import type { SpendBook } from "./spend";
import { byName, type Charge, type CounterStore, type TakeResult } from "./store";

export interface LimiterOptions {
  store: CounterStore;
  spend: SpendBook;
  /** The rate window: 60 000 (limits are per minute); tests shorten it. */
  windowMs: number;
  /** A lease (request in flight) whose process died stops counting after this long. */
  leaseMs: number;
  now(): number;
  /** The store failed (Redis down): the request is admitted and this is told (metric, warning). */
  onStoreError(error: unknown): void;
  /** A request refused (or a provider skipped): `key_rpm`, `group_tpm`, `key_concurrent`, `budget`, `provider`. */
  onRefused?(limit: string): void;
}

export interface AdmitInput {
  /** Null for a trusted in-process caller (the playground): only the group's limits apply. */
  key: ApiKeyConfig | null;
  group: GroupConfig;
  /** The request's token estimate, computed only when a token limit applies. */
  estimateTokens(): Promise<number>;
  requestId: string;
}

export type ProviderGate = { ok: true } | { ok: false; reason: string; retryAfterMs: number };

interface Taken {
  charges: Charge[];
  windowStart: number;
  /** The token charge's estimate, settled to the real usage. */
  tokens: number;
  providerId: number | null;
}

function rateCharges(prefix: string, limits: RateLimits | undefined, tokens: () => number): Charge[] {
  const charges: Charge[] = [];
  if (limits?.rpm) charges.push({ name: `${prefix}:rpm`, kind: "window", limit: limits.rpm, cost: 1 });
  if (limits?.tpm) charges.push({ name: `${prefix}:tpm`, kind: "window", limit: limits.tpm, cost: tokens() });
  return charges;
}

export function hasBudget(key: ApiKeyConfig): boolean {
  const limits = key.limits;
  return limits != null && (limits.budgetDay != null || limits.budgetMonth != null || limits.budgetTotal != null);
}

const hasTokenLimit = (limits: RateLimits | undefined): boolean => Boolean(limits?.tpm);

/**
 * The gateway's own ceilings, checked before any upstream is called: per API key requests
 * and tokens per minute, requests in flight and spend budgets; per group requests and tokens
 * per minute; per provider the same, protecting the upstream account. Fixed windows aligned
 * to the clock (like OpenAI's reset times); tokens are reserved from an estimate and settled
 * to the real usage when the request ends.
 */
export class Limiter {
  constructor(readonly options: LimiterOptions) {}

  get storeName(): string {
    return this.options.store.name;
  }

  /**
   * Whether the key's or the group's limits concern this request (a provider's are taken per
   * attempt). Requests under no limit skip the limiter whole.
   */
  applies(key: ApiKeyConfig | null, group: GroupConfig): boolean {
    const limits = key?.limits;
    if (limits && (limits.rpm || limits.tpm || limits.maxConcurrent || hasBudget(key!))) return true;
    return Boolean(group.limits?.rpm || group.limits?.tpm);
  }

  /** Admits the request or throws the 429 it gets; the admission settles when its log row is final. */
  async admit(input: AdmitInput): Promise<Admission> {
    const { key, group } = input;
    if (key) this.checkBudgets(key);
    const admission = new Admission(this, input);
    const limits = key?.limits;
    const needsTokens = hasTokenLimit(limits) || hasTokenLimit(group.limits);
    const tokens = needsTokens ? await admission.tokens() : 0;
    const charges = [
      ...(key ? rateCharges(`key:${key.id}`, limits, () => tokens) : []),
      ...rateCharges(`group:${group.id}`, group.limits, () => tokens),
    ];
    if (key && limits?.maxConcurrent)
      charges.push({ name: `key:${key.id}:concurrent`, kind: "lease", limit: limits.maxConcurrent, cost: 1 });
    if (charges.length === 0) return admission;
    const ordered = byName(charges);
    const taken = await this.take(ordered, input.requestId);
    if (taken === null) return admission;
    const { result, windowStart } = taken;
    const windows = this.describe(ordered, result, windowStart, (charge) =>
      charge.name.startsWith("key:") ? `API key "${key?.name ?? ""}"` : `model "${group.name}"`,
    );
    if (!result.ok) {
      const charge = ordered[result.refused]!;
      this.options.onRefused?.(charge.name.replace(/:\d+:/, "_"));
      throw describeRefusal(windows, result.refused, charge);
    }
    admission.record({ charges: ordered, windowStart, tokens, providerId: null }, rateLimitHeaders(windows));
    return admission;
  }

  /** Takes a provider's own limits before an attempt; at its limit it is skipped like an open breaker. */
  async gate(admission: Admission, provider: ProviderConfig): Promise<ProviderGate> {
    const limits = provider.limits;
    if (!limits?.rpm && !limits?.tpm) return { ok: true };
    const tokens = limits.tpm ? await admission.tokens() : 0;
    const charges = byName(rateCharges(`provider:${provider.id}`, limits, () => tokens));
    const taken = await this.take(charges, admission.requestId);
    if (taken === null) return { ok: true };
    const { result, windowStart } = taken;
    if (!result.ok) {
      const charge = charges[result.refused]!;
      this.options.onRefused?.("provider");
      const per = charge.name.endsWith(":rpm") ? "requests" : "tokens";
      return {
        ok: false,
        reason: `provider limit reached: ${charge.limit} ${per} per minute`,
        retryAfterMs: windowStart + this.options.windowMs - this.options.now(),
      };
    }
    admission.record({ charges, windowStart, tokens, providerId: provider.id }, null);
    return { ok: true };
  }

  private checkBudgets(key: ApiKeyConfig): void {
    const limits = key.limits;
    if (!limits || !hasBudget(key)) return;
    const spent = this.options.spend.spent(key.id);
    const now = this.options.now();
    const refuse = (period: string, budget: number, resetAt: number | null): GatewayError => {
      this.options.onRefused?.("budget");
      return budgetRefusal(key.name, period, budget, resetAt === null ? null : resetAt - now);
    };
    const over = (budget: number | null | undefined, amount: number) => budget != null && amount >= budget;
    if (over(limits.budgetTotal, spent.total)) throw refuse("total", limits.budgetTotal!, null);
    if (over(limits.budgetMonth, spent.month)) throw refuse("monthly", limits.budgetMonth!, nextUtcMonthStart(now));
    if (over(limits.budgetDay, spent.day)) throw refuse("daily", limits.budgetDay!, utcDayStart(now) + DAY_MS);
  }

  /**
   * Takes the charges in the current window and says which window that was, so a settlement
   * corrects the window the tokens were reserved in. Null when the store failed: fail open,
   * told to the metric.
   */
  private async take(
    charges: Charge[],
    requestId: string,
  ): Promise<{ result: TakeResult; windowStart: number } | null> {
    const now = this.options.now();
    const windowStart = Math.floor(now / this.options.windowMs) * this.options.windowMs;
    try {
      const result = await this.options.store.take({
        charges,
        windowStart,
        windowMs: this.options.windowMs,
        leaseId: requestId,
        leaseUntil: now + this.options.leaseMs,
        now,
      });
      return { result, windowStart };
    } catch (error) {
      this.options.onStoreError(error);
      return null;
    }
  }

  private describe(
    charges: readonly Charge[],
    result: TakeResult,
    windowStart: number,
    owner: (charge: Charge) => string,
  ): TakenWindow[] {
    const resetMs = Math.max(0, windowStart + this.options.windowMs - this.options.now());
    return charges.map((charge, index) => ({
      charge,
      used: result.used[index] ?? 0,
      resetMs,
      owner: owner(charge),
    }));
  }

  /** Settles an ended request: tokens to real usage, leases released, spend added. */
  settle(
    admission: Admission,
    record: Readonly<CallLogRecord>,
    taken: readonly Taken[],
    key: ApiKeyConfig | null,
  ): void {
    const { store, onStoreError } = this.options;
    if (key && record.cost > 0 && hasBudget(key)) this.options.spend.add(key.id, record.cost);
    const actual = record.promptTokens + record.completionTokens;
    for (const entry of taken) {
      const used = entry.providerId === null || entry.providerId === record.providerId ? actual : 0;
      for (const charge of entry.charges) {
        if (charge.kind === "window" && charge.name.endsWith(":tpm"))
          store.adjust(charge.name, entry.windowStart, this.options.windowMs, used - entry.tokens).catch(onStoreError);
      }
      const leases = entry.charges.filter((charge) => charge.kind === "lease").map((charge) => charge.name);
      if (leases.length > 0) store.release(leases, admission.requestId).catch(onStoreError);
    }
  }
}

/** One request's place in the limits: what it took, the headers it answers with, its settlement. */
export class Admission {
  private readonly taken: Taken[] = [];
  private estimate: Promise<number> | null = null;
  private isSettled = false;
  headers: Readonly<Record<string, string>> = {};

  constructor(
    private readonly limiter: Limiter,
    private readonly input: AdmitInput,
  ) {}

  get requestId(): string {
    return this.input.requestId;
  }

  tokens(): Promise<number> {
    this.estimate ??= this.input.estimateTokens();
    return this.estimate;
  }

  record(taken: Taken, headers: Record<string, string> | null): void {
    this.taken.push(taken);
    if (headers) this.headers = headers;
  }

  /** Null when the provider has no limits of its own (nothing to wait for). */
  gate(provider: ProviderConfig): Promise<ProviderGate> | null {
    return provider.limits?.rpm || provider.limits?.tpm ? this.limiter.gate(this, provider) : null;
  }

  /** Called once, when the request's log row is final (a stream: when it ends). */
  settle(record: Readonly<CallLogRecord>): void {
    if (this.isSettled) return;
    this.isSettled = true;
    this.limiter.settle(this, record, this.taken, this.input.key);
  }
}
