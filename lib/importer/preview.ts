import { providerNameFor, type AliasOptions } from "./aliases";
import type { WorkKind } from "../work-kinds";
import { compileFilter, type CompiledFilter, type FilterOptions } from "./filters";
import type { ImportRow } from "./plan";
import { resolvePrices, type PriceTexts } from "./prices";

/*
 * The preview table's model: which listed models are kept and under which name, computed
 * from the filters, the alias pattern and the operator's per-row choices. Pure, so the
 * browser can recompute it on every keystroke and the tests can pin it.
 */

/** A listed id with its lower-case form, computed once per fetched list. */
export interface IndexedModel {
  id: string;
  lowerId: string;
}

/** What the operator changed on one row; anything unset follows the bulk settings. */
export interface RowOverride {
  /** An explicit tick or untick, winning over the filters. */
  include?: boolean;
  rename?: string;
  prices?: PriceTexts;
  /** The kind of work chosen by hand; unset: guessed from the model id. */
  kind?: WorkKind;
}

export interface PreviewRow {
  id: string;
  passesFilter: boolean;
  isKept: boolean;
  name: string;
}

export interface Preview {
  rows: PreviewRow[];
  total: number;
  kept: number;
  excluded: number;
  filter: CompiledFilter;
}

export function indexModels(ids: readonly string[]): IndexedModel[] {
  return ids.map((id) => ({ id, lowerId: id.toLowerCase() }));
}

export function buildPreview(
  models: readonly IndexedModel[],
  filterOptions: FilterOptions,
  alias: AliasOptions,
  overrides: ReadonlyMap<string, RowOverride>,
): Preview {
  const filter = compileFilter(filterOptions);
  let kept = 0;
  const rows = models.map(({ id, lowerId }): PreviewRow => {
    const override = overrides.get(id);
    const passesFilter = filter.matches(id, lowerId);
    const isKept = override?.include ?? passesFilter;
    if (isKept) kept += 1;
    return { id, passesFilter, isKept, name: providerNameFor(id, alias, override?.rename) };
  });
  return { rows, total: rows.length, kept, excluded: rows.length - kept, filter };
}

/**
 * The kept rows as import rows. `invalidPriceIds` lists rows whose typed prices (own or bulk)
 * are not valid numbers; those rows are left out of `rows` and the import must wait.
 */
export function toImportRows(
  preview: Preview,
  overrides: ReadonlyMap<string, RowOverride>,
  bulkPrices: PriceTexts,
): { rows: ImportRow[]; invalidPriceIds: string[] } {
  const rows: ImportRow[] = [];
  const invalidPriceIds: string[] = [];
  for (const row of preview.rows) {
    if (!row.isKept) continue;
    const prices = resolvePrices(overrides.get(row.id)?.prices, bulkPrices);
    if (prices === null) invalidPriceIds.push(row.id);
    else {
      const kind = overrides.get(row.id)?.kind;
      rows.push({ name: row.name, upstreamModel: row.id, prices, kinds: kind ? [kind] : [] });
    }
  }
  return { rows, invalidPriceIds };
}
