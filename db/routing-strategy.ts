/** How a group orders the providers within one priority (applied in lib/gateway/routing-strategy.ts). */
export const ROUTING_STRATEGIES = ["weighted", "least-latency", "least-busy", "cheapest"] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** Reads a stored strategy; anything unknown (a newer version's value) routes as `weighted`. */
export function toRoutingStrategy(value: string): RoutingStrategy {
  return (ROUTING_STRATEGIES as readonly string[]).includes(value) ? (value as RoutingStrategy) : "weighted";
}
