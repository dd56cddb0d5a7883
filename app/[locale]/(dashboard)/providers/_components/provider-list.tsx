"use client";

import { useTranslations } from "next-intl";
import { ProviderRow, ROW_COLUMNS } from "./provider-row";
import type { EndpointOption, ProviderItem, TimeoutDefaults } from "./provider-types";

/** One DOM for every width: a grid row on desktop, a stacked card on a phone. */
export function ProviderList({
  providers,
  endpoints,
  defaults,
}: {
  providers: ProviderItem[];
  endpoints: EndpointOption[];
  defaults: TimeoutDefaults;
}) {
  const t = useTranslations("Providers");
  return (
    <div className="card p-0">
      <div
        className={`hidden border-b border-slate-200 px-5 py-3 text-xs font-medium uppercase tracking-wide text-slate-500 ${ROW_COLUMNS}`}
      >
        <span>{t("columns.provider")}</span>
        <span>{t("columns.state")}</span>
        <span>{t("columns.last24h")}</span>
        <span>{t("columns.prices")}</span>
        <span className="text-right">{t("columns.actions")}</span>
      </div>
      <ul className="divide-y divide-slate-200" data-testid="provider-list">
        {providers.map((provider) => (
          <ProviderRow key={provider.id} provider={provider} endpoints={endpoints} defaults={defaults} />
        ))}
      </ul>
    </div>
  );
}
