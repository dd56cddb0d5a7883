"use client";

import { useTranslations } from "next-intl";
import { aliasFor, type AliasOptions } from "@/lib/importer/aliases";
import { parsePrice, PRICE_KINDS, type PriceTexts } from "@/lib/importer/prices";

/** The alias pattern for every provider name, and the prices every row gets unless it has its own. */
export function NamingPanel({
  alias,
  onAlias,
  prices,
  onPrices,
  example,
}: {
  alias: AliasOptions;
  onAlias: (patch: Partial<AliasOptions>) => void;
  prices: PriceTexts;
  onPrices: (patch: Partial<PriceTexts>) => void;
  /** A listed id to show the pattern on. */
  example: string | undefined;
}) {
  const t = useTranslations("Import.naming");
  return (
    <section className="card space-y-4" aria-labelledby="naming-title">
      <h2 id="naming-title" className="text-base font-semibold text-slate-900">
        {t("title")}
      </h2>
      <div className="grid grid-cols-2 gap-3">
        <div>
          <label htmlFor="alias-prefix" className="field-label">
            {t("prefix")}
          </label>
          <input
            id="alias-prefix"
            className="field-input"
            value={alias.prefix}
            maxLength={50}
            placeholder="acme-"
            onChange={(event) => onAlias({ prefix: event.target.value })}
            autoComplete="off"
            spellCheck={false}
            data-testid="alias-prefix"
          />
        </div>
        <div>
          <label htmlFor="alias-suffix" className="field-label">
            {t("suffix")}
          </label>
          <input
            id="alias-suffix"
            className="field-input"
            value={alias.suffix}
            maxLength={50}
            placeholder="-eu"
            onChange={(event) => onAlias({ suffix: event.target.value })}
            autoComplete="off"
            spellCheck={false}
            data-testid="alias-suffix"
          />
        </div>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={alias.stripVendor}
          onChange={(event) => onAlias({ stripVendor: event.target.checked })}
          data-testid="alias-strip"
        />
        {t("stripVendor")}
      </label>
      {example ? (
        <p className="text-xs text-slate-500 [overflow-wrap:anywhere]" data-testid="alias-example">
          {t("example", { id: example, name: aliasFor(example, alias) })}
        </p>
      ) : null}
      <div>
        <p className="field-label">{t("bulkPrices")}</p>
        <div className="mt-1 grid grid-cols-3 gap-2">
          {PRICE_KINDS.map((kind) => {
            const isInvalid = parsePrice(prices[kind]) === "invalid";
            return (
              <div key={kind}>
                <label
                  htmlFor={`bulk-price-${kind}`}
                  className="block truncate text-xs text-slate-500"
                  title={t(`price.${kind}`)}
                >
                  {t(`price.${kind}`)}
                </label>
                <input
                  id={`bulk-price-${kind}`}
                  className="field-input"
                  inputMode="decimal"
                  value={prices[kind]}
                  maxLength={16}
                  placeholder="0"
                  aria-invalid={isInvalid || undefined}
                  onChange={(event) => onPrices({ [kind]: event.target.value })}
                  data-testid={`bulk-price-${kind}`}
                />
                {isInvalid ? <p className="field-error text-xs">{t("invalidPrice")}</p> : null}
              </div>
            );
          })}
        </div>
        <p className="mt-1 text-xs text-slate-500">{t("bulkPricesHint")}</p>
      </div>
    </section>
  );
}
