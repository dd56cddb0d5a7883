/** Outcomes are summed per second: a busy group's window stays a few hundred numbers. */
const BUCKET_MS = 1_000;

interface Bucket {
  at: number;
  total: number;
  errors: number;
}

export interface ErrorRateReading {
  total: number;
  errors: number;
  /** 0–100. */
  percent: number;
}

export interface ErrorRateRule {
  windowMs: number;
  minRequests: number;
  percent: number;
}

/**
 * A sliding window of request outcomes per subject (a group), in memory: each process judges
 * its own traffic, and the shared cooldown keeps several processes from sending one alert twice.
 */
export class ErrorRateWindows {
  private readonly buckets = new Map<string, Bucket[]>();

  /** Counts one request and says whether the subject is now above the rule's threshold. */
  record(subject: string, isError: boolean, now: number, rule: ErrorRateRule): ErrorRateReading | null {
    let list = this.buckets.get(subject);
    if (!list) this.buckets.set(subject, (list = []));
    const at = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    let last = list[list.length - 1];
    if (!last || last.at !== at) list.push((last = { at, total: 0, errors: 0 }));
    last.total += 1;
    if (isError) last.errors += 1;
    while (list.length > 0 && list[0]!.at <= now - rule.windowMs) list.shift();
    let total = 0;
    let errors = 0;
    for (const bucket of list) {
      total += bucket.total;
      errors += bucket.errors;
    }
    const percent = total === 0 ? 0 : (errors / total) * 100;
    return total >= rule.minRequests && percent >= rule.percent ? { total, errors, percent } : null;
  }
}

/**
 * Remembers what this process sent (or is sending) per alert key, so a hot failure does not ask
 * the database on every request; the database claim stays the cluster-wide word.
 */
export class LocalCooldown {
  private readonly sentAt = new Map<string, number>();

  /** True when `key` may be tried now; marks it as sent at `now` if so. */
  take(key: string, now: number, cooldownMs: number): boolean {
    const last = this.sentAt.get(key);
    if (last !== undefined && now - last < cooldownMs) return false;
    this.sentAt.set(key, now);
    if (this.sentAt.size > 10_000) this.prune(now, cooldownMs);
    return true;
  }

  private prune(now: number, cooldownMs: number): void {
    for (const [key, at] of this.sentAt) if (now - at >= cooldownMs) this.sentAt.delete(key);
  }
}
