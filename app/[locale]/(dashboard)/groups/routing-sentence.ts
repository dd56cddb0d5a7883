/**
 * The plain sentence under each group that says what the gateway will do with a request,
 * e.g. "Tries A; if it fails, B or C by weight 3:1; then D." Pure: the caller hands in the
 * translated messages and the list formatter, so the same code serves every locale.
 */

export interface RoutingMember {
  providerName: string;
  priority: number;
  weight: number;
  isEnabled: boolean;
}

/** One priority level: the providers tried at that step, heaviest first. */
export interface RoutingTier {
  priority: number;
  members: { name: string; weight: number }[];
}

export type RoutingMessageKey = "first" | "fallback" | "then" | "weighted" | "separator" | "sentence" | "none";

export interface RoutingText {
  /** A message of the `Groups.routing` namespace with its placeholders filled in. */
  message(key: RoutingMessageKey, values?: Record<string, string>): string;
  /** "B or C" (a disjunction list) in the current language. */
  either(names: string[]): string;
}

/** Enabled members grouped by priority, ascending; the gateway skips disabled providers. */
export function routingTiers(members: readonly RoutingMember[]): RoutingTier[] {
  const byPriority = new Map<number, { name: string; weight: number }[]>();
  for (const member of members) {
    if (!member.isEnabled) continue;
    const tier = byPriority.get(member.priority) ?? [];
    tier.push({ name: member.providerName, weight: member.weight });
    byPriority.set(member.priority, tier);
  }
  return [...byPriority.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([priority, tier]) => ({
      priority,
      members: tier.sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name)),
    }));
}

function describeTier(tier: RoutingTier, text: RoutingText): string {
  const names = tier.members.map((member) => member.name);
  if (names.length === 1) return names[0]!;
  const ratio = tier.members.map((member) => String(member.weight)).join(":");
  return text.message("weighted", { names: text.either(names), ratio });
}

export function describeRouting(members: readonly RoutingMember[], text: RoutingText): string {
  const tiers = routingTiers(members);
  if (tiers.length === 0) return text.message("none");
  const clauses = tiers.map((tier, index) => {
    const step: RoutingMessageKey = index === 0 ? "first" : index === 1 ? "fallback" : "then";
    return text.message(step, { target: describeTier(tier, text) });
  });
  return text.message("sentence", { clauses: clauses.join(text.message("separator")) });
}
