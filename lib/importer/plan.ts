import { checkProviderName, type NameProblem } from "./aliases";
import type { WorkKind } from "../work-kinds";
import type { Prices } from "./prices";

/**
 * One import is one transaction and one request: Next refuses action bodies over 1 MB, and
 * a few thousand providers is already far more than a gateway routes between.
 */
export const MAX_IMPORT_ROWS = 2_000;

/** What to do with a kept model whose provider name already exists. */
export type ExistingNamePolicy = "skip" | "update";

/** One provider to import: its name, the upstream id it calls, and its prices. */
export interface ImportRow {
  name: string;
  upstreamModel: string;
  prices: Prices;
  /** Empty or absent: the provider's kinds are guessed from the model id. */
  kinds?: WorkKind[];
}

export type PlanAction = "create" | "update" | "skip";
export type RowProblem = NameProblem | "duplicateName";

export interface PlannedRow extends ImportRow {
  action: PlanAction;
  /** Set when the row cannot be imported as it stands; the import is refused until fixed. */
  problem: RowProblem | null;
}

export interface ImportPlan {
  rows: PlannedRow[];
  counts: Record<PlanAction, number>;
  /** Rows with a problem. */
  problemCount: number;
}

/**
 * Decides per row: a name no provider has → create; an existing name → skip or update, as
 * the operator chose. Names are compared exactly, as the database's unique index does; two
 * rows with one name are both flagged, since neither can be imported without the other
 * clobbering it.
 */
export function computeImportPlan(
  rows: readonly ImportRow[],
  existingNames: ReadonlySet<string>,
  policy: ExistingNamePolicy,
): ImportPlan {
  const uses = new Map<string, number>();
  for (const row of rows) uses.set(row.name, (uses.get(row.name) ?? 0) + 1);
  const counts: Record<PlanAction, number> = { create: 0, update: 0, skip: 0 };
  let problemCount = 0;
  const planned = rows.map((row): PlannedRow => {
    const problem: RowProblem | null =
      checkProviderName(row.name) ?? ((uses.get(row.name) ?? 0) > 1 ? "duplicateName" : null);
    const action: PlanAction = existingNames.has(row.name) ? policy : "create";
    counts[action] += 1;
    if (problem) problemCount += 1;
    return { ...row, action, problem };
  });
  return { rows: planned, counts, problemCount };
}
