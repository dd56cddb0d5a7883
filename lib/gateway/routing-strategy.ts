import type { RoutingStrategy } from "../../db/routing-strategy";
import type { ProviderStatsBoard } from "./provider-stats";
import type { ProviderConfig } from "./types";

export { ROUTING_STRATEGIES, toRoutingStrategy, type RoutingStrategy } from "../../db/routing-strategy";

/**
 * Share of requests that keep the weighted order under a measuring strategy, so a provider
 * that was slow once is measured again instead of starving forever on a stale average.
 */
export const EXPLORE_SHARE = 0.1;

type Score = (provider: ProviderConfig) => number;

function scoreOf(strategy: RoutingStrategy, stats: ProviderStatsBoard | undefined): Score | null {
  switch (strategy) {
    case "weighted":
      return null;
    case "cheapest":
      // Per million tokens in and out, as the operator entered them; unit prices are not comparable.
      return (provider) => provider.priceInput + provider.priceOutput;
    case "least-latency":
      if (!stats) return null;
      // A provider never measured goes first, once, so it gets an average.
      return (provider) => stats.view(provider.id).ttftEwmaMs ?? -1;
    case "least-busy":
      if (!stats) return null;
      return (provider) => stats.view(provider.id).inFlight;
  }
}

/**
 * Re-orders one priority tier, already in weighted random order, by the group's strategy.
 * The sort is stable: ties keep the weighted order, so weights still split equal providers.
 */
export function applyStrategy(
  tier: ProviderConfig[],
  strategy: RoutingStrategy,
  stats: ProviderStatsBoard | undefined,
  random: () => number,
): ProviderConfig[] {
  if (tier.length < 2) return tier;
  const score = scoreOf(strategy, stats);
  if (!score) return tier;
  if (strategy !== "cheapest" && random() < EXPLORE_SHARE) return tier;
  const scores = new Map(tier.map((provider) => [provider.id, score(provider)]));
  return [...tier].sort((a, b) => scores.get(a.id)! - scores.get(b.id)!);
}
