import type { ProviderStatsBoard } from "./provider-stats";
import { applyStrategy } from "./routing-strategy";
import type { ConfigSnapshot, GroupConfig, ProviderConfig } from "./types";

interface WeightedProvider {
  provider: ProviderConfig;
  weight: number;
}

/** Enabled members grouped by priority, ascending; built once per snapshot and group. */
type PriorityTiers = readonly (readonly WeightedProvider[])[];

const tiersBySnapshot = new WeakMap<ConfigSnapshot, Map<number, PriorityTiers>>();

function buildTiers(snapshot: ConfigSnapshot, group: GroupConfig): PriorityTiers {
  const byPriority = new Map<number, WeightedProvider[]>();
  for (const member of group.members) {
    const provider = snapshot.providers.get(member.providerId);
    // Disabled providers are dropped here, so no code path can ever call them.
    if (!provider || !provider.isEnabled) continue;
    const tier = byPriority.get(member.priority) ?? [];
    tier.push({ provider, weight: member.weight });
    byPriority.set(member.priority, tier);
  }
  return [...byPriority.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
}

function getTiers(snapshot: ConfigSnapshot, group: GroupConfig): PriorityTiers {
  let byGroup = tiersBySnapshot.get(snapshot);
  if (!byGroup) {
    byGroup = new Map();
    tiersBySnapshot.set(snapshot, byGroup);
  }
  let tiers = byGroup.get(group.id);
  if (!tiers) {
    tiers = buildTiers(snapshot, group);
    byGroup.set(group.id, tiers);
  }
  return tiers;
}

/**
 * Orders one tier by repeated weighted draws without replacement, so weight is the share of
 * first picks and the rest still follow as fallbacks. Zero weights go last, in a fair shuffle.
 */
function orderTier(tier: readonly WeightedProvider[], random: () => number, out: ProviderConfig[]): void {
  if (tier.length === 1) {
    out.push(tier[0]!.provider);
    return;
  }
  const pool = tier.filter((entry) => entry.weight > 0);
  const unweighted = tier.filter((entry) => !(entry.weight > 0)).map((entry) => ({ ...entry, weight: 1 }));
  drawWeighted(pool, random, out);
  drawWeighted(unweighted, random, out);
}

function drawWeighted(pool: WeightedProvider[], random: () => number, out: ProviderConfig[]): void {
  let total = 0;
  for (const entry of pool) total += entry.weight;
  while (pool.length > 0) {
    let target = random() * total;
    let index = 0;
    while (index < pool.length - 1 && target >= pool[index]!.weight) {
      target -= pool[index]!.weight;
      index += 1;
    }
    const [picked] = pool.splice(index, 1);
    total -= picked!.weight;
    out.push(picked!.provider);
  }
}

/**
 * The group's enabled providers in the order this request should try them: priorities
 * ascending; within one, weighted random order, then the group's strategy (routing-strategy.ts).
 */
export function planCandidates(
  snapshot: ConfigSnapshot,
  group: GroupConfig,
  random: () => number,
  stats?: ProviderStatsBoard,
): ProviderConfig[] {
  const ordered: ProviderConfig[] = [];
  const strategy = group.strategy ?? "weighted";
  for (const tier of getTiers(snapshot, group)) {
    const weighted: ProviderConfig[] = [];
    orderTier(tier, random, weighted);
    ordered.push(...applyStrategy(weighted, strategy, stats, random));
  }
  return ordered;
}
