import type { CounterStore, TakeInput, TakeResult } from "./store";

interface WindowCount {
  windowStart: number;
  count: number;
}

/**
 * Counters in this process: exact for one process (`npm start` without WORKERS), and
 * synchronous underneath, so a take costs a few map lookups.
 */
export function createMemoryStore(): CounterStore {
  const windows = new Map<string, WindowCount>();
  const leases = new Map<string, Map<string, number>>();

  const windowCount = (name: string, windowStart: number): number => {
    const entry = windows.get(name);
    return entry && entry.windowStart === windowStart ? entry.count : 0;
  };
  const liveLeases = (name: string, now: number): Map<string, number> => {
    let held = leases.get(name);
    if (!held) {
      held = new Map();
      leases.set(name, held);
    }
    for (const [id, until] of held) if (until <= now) held.delete(id);
    return held;
  };

  const take = (input: TakeInput): TakeResult => {
    const held = input.charges.map((charge) => (charge.kind === "lease" ? liveLeases(charge.name, input.now) : null));
    const used = input.charges.map((charge, index) => held[index]?.size ?? windowCount(charge.name, input.windowStart));
    const refused = input.charges.findIndex((charge, index) => used[index]! + charge.cost > charge.limit);
    if (refused >= 0) return { ok: false, used, refused };
    input.charges.forEach((charge, index) => {
      const lease = held[index];
      if (lease) lease.set(input.leaseId, input.leaseUntil);
      else windows.set(charge.name, { windowStart: input.windowStart, count: used[index]! + charge.cost });
      used[index] = used[index]! + charge.cost;
    });
    return { ok: true, used, refused: -1 };
  };

  return {
    name: "memory",
    take: (input) => Promise.resolve(take(input)),
    adjust(name, windowStart, _windowMs, delta) {
      const entry = windows.get(name);
      if (entry && entry.windowStart === windowStart) entry.count = Math.max(0, entry.count + delta);
      return Promise.resolve();
    },
    release(names, leaseId) {
      for (const name of names) leases.get(name)?.delete(leaseId);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
