import { utcDayStart, utcMonthStart, type KeySpend } from "../../db/queries/key-spend";

/** How long a local cost is kept after a reload began, in case the reload read the logs before it landed. */
const LOCAL_GRACE_MS = 3_000;

/** This process's costs are summed per key per second: a hot key's lookup stays a few additions. */
const BUCKET_MS = 1_000;

export type LoadSpend = (now: number, keyIds: readonly number[]) => Promise<Map<number, KeySpend>>;

/**
 * What each API key with a budget has spent this UTC day, this UTC month and in total: the
 * call logs' rollups (every process's requests, reloaded every second) plus this process's
 * own requests since, added the moment each ends. A cost recorded both ways for a moment
 * counts twice, never zero times, so a budget is never overshot by a reload's timing.
 */
export class SpendBook {
  private base = new Map<number, KeySpend>();
  private loadedAt = 0;
  /** Per key: second start → cost this process recorded in that second. */
  private local = new Map<number, Map<number, number>>();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly load: LoadSpend,
    private readonly now: () => number,
  ) {}

  get isLoaded(): boolean {
    return this.loadedAt > 0;
  }

  spent(keyId: number): KeySpend {
    const now = this.now();
    const day = utcDayStart(now);
    const month = utcMonthStart(now);
    const base = this.base.get(keyId);
    const spend: KeySpend = {
      day: base && this.loadedAt >= day ? base.day : 0,
      month: base && this.loadedAt >= month ? base.month : 0,
      total: base?.total ?? 0,
    };
    for (const [at, cost] of this.local.get(keyId) ?? []) {
      spend.total += cost;
      if (at >= month) spend.month += cost;
      if (at >= day) spend.day += cost;
    }
    return spend;
  }

  add(keyId: number, cost: number): void {
    if (cost <= 0) return;
    const at = Math.floor(this.now() / BUCKET_MS) * BUCKET_MS;
    let buckets = this.local.get(keyId);
    if (!buckets) this.local.set(keyId, (buckets = new Map()));
    buckets.set(at, (buckets.get(at) ?? 0) + cost);
  }

  /** Reloads the keys' spend; concurrent calls share one load. */
  reload(keyIds: readonly number[]): Promise<void> {
    this.loading ??= (async () => {
      const startedAt = this.now();
      try {
        this.base = await this.load(startedAt, keyIds);
        this.loadedAt = startedAt;
        // A second that ended before the grace began is in what was just loaded.
        const keepFrom = startedAt - LOCAL_GRACE_MS - BUCKET_MS;
        for (const [keyId, buckets] of this.local) {
          for (const at of buckets.keys()) if (at < keepFrom) buckets.delete(at);
          if (buckets.size === 0) this.local.delete(keyId);
        }
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
