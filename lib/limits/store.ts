/**
 * Where limit counters live: in this process, in the database, or in Redis. Every store
 * takes a request's whole set of charges atomically — all of them or none — so a request
 * refused by its group's limit leaves its key's counters as they were, and two processes
 * sharing a store never admit more than a limit between them.
 */

/** A per-window counter (requests or tokens per minute) or a lease (requests in flight). */
export type ChargeKind = "window" | "lease";

export interface Charge {
  /** The counter's name, unique per limit: `key:12:rpm`, `group:3:tpm`, `key:12:concurrent`. */
  name: string;
  kind: ChargeKind;
  limit: number;
  /** What this request takes: 1 for a request, the token estimate for tokens. */
  cost: number;
}

export interface TakeInput {
  charges: readonly Charge[];
  /** Start of the current fixed window, epoch ms (a multiple of windowMs). */
  windowStart: number;
  windowMs: number;
  /** Identifies this request's leases, released when it ends. */
  leaseId: string;
  /** A lease not released by then (its process died) stops counting. */
  leaseUntil: number;
  now: number;
}

export interface TakeResult {
  ok: boolean;
  /** Per charge: what the counter holds after this take (when ok) or before it (when refused). */
  used: number[];
  /** The charge that did not fit, when refused. */
  refused: number;
}

export interface CounterStore {
  readonly name: "memory" | "database" | "redis";
  take(input: TakeInput): Promise<TakeResult>;
  /** Corrects a window counter once the real figure is known (tokens settle to real usage). */
  adjust(name: string, windowStart: number, windowMs: number, delta: number): Promise<void>;
  release(names: readonly string[], leaseId: string): Promise<void>;
  close(): Promise<void>;
}

/** Charges go in name order everywhere, so two takes never lock the same rows in opposite orders. */
export function byName(charges: readonly Charge[]): Charge[] {
  return [...charges].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
