import { utcDayStart, utcMonthStart, type KeySpend } from "../../db/queries/key-spend";

/** How long a local cost is kept after a reload began, in case the reload read the logs before it landed. */
const LOCAL_GRACE_MS = 3_000;

interface LocalCost {
  keyId: number;
  cost: number;
  at: number;
}

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
  private local: LocalCost[] = [];
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
    for (const entry of this.local) {
      if (entry.keyId !== keyId) continue;
      spend.total += entry.cost;
      if (entry.at >= month) spend.month += entry.cost;
      if (entry.at >= day) spend.day += entry.cost;
    }
    return spend;
  }

  add(keyId: number, cost: number): void {
    if (cost > 0) this.local.push({ keyId, cost, at: this.now() });
  }

  /** Reloads the keys' spend; concurrent calls share one load. */
  reload(keyIds: readonly number[]): Promise<void> {
    this.loading ??= (async () => {
      const startedAt = this.now();
      try {
        this.base = await this.load(startedAt, keyIds);
        this.loadedAt = startedAt;
        this.local = this.local.filter((entry) => entry.at >= startedAt - LOCAL_GRACE_MS);
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
