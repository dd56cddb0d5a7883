import { getTranslations } from "next-intl/server";
import { Link } from "@/app/_framework/i18n/navigation";
import { MAX_ERROR_TEXT } from "@/db/queries/call-log-search";
import { statusClasses, type LogSearch } from "@/lib/call-log-filters";

export interface FilterOptions {
  groups: string[];
  providers: { id: number; name: string }[];
  keys: { id: number; name: string }[];
}

const selectClass = "field-input py-1.5";

/**
 * A plain GET form: the filters live in the URL, so a filtered view can be bookmarked or
 * shared, works without JavaScript, and the CSV export link reuses the same parameters.
 */
export async function LogFilterForm({
  search,
  options,
  timeZone,
}: {
  search: LogSearch;
  options: FilterOptions;
  timeZone: string;
}) {
  const t = await getTranslations("Logs.filters");
  // A filter value no longer in the lists (a deleted provider) still shows as chosen.
  const providers =
    search.provider && !options.providers.some((p) => p.id === search.provider)
      ? [...options.providers, { id: search.provider, name: `#${search.provider}` }]
      : options.providers;
  const keys =
    search.key && !options.keys.some((k) => k.id === search.key)
      ? [...options.keys, { id: search.key, name: `#${search.key}` }]
      : options.keys;
  return (
    <form method="get" className="card mb-4 p-4" data-testid="log-filters">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4 xl:grid-cols-12">
        <label className="field-label col-span-2 sm:col-span-1 xl:col-span-3">
          {t("from")}
          <input
            type="datetime-local"
            name="from"
            defaultValue={search.from ?? ""}
            className="field-input py-1.5"
            data-testid="filter-from"
          />
        </label>
        <label className="field-label col-span-2 sm:col-span-1 xl:col-span-3">
          {t("to")}
          <input
            type="datetime-local"
            name="to"
            defaultValue={search.to ?? ""}
            className="field-input py-1.5"
            data-testid="filter-to"
          />
        </label>
        <label className="field-label col-span-2 sm:col-span-1 xl:col-span-3">
          {t("group")}
          <input
            name="group"
            list="log-filter-groups"
            maxLength={200}
            defaultValue={search.group ?? ""}
            placeholder={t("any")}
            className="field-input py-1.5"
            data-testid="filter-group"
          />
          <datalist id="log-filter-groups">
            {options.groups.map((group) => (
              <option key={group} value={group} />
            ))}
          </datalist>
        </label>
        <label className="field-label xl:col-span-3">
          {t("provider")}
          <select
            name="provider"
            defaultValue={search.provider ? String(search.provider) : ""}
            className={selectClass}
            data-testid="filter-provider"
          >
            <option value="">{t("any")}</option>
            {providers.map((provider) => (
              <option key={provider.id} value={provider.id}>
                {provider.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field-label xl:col-span-2">
          {t("key")}
          <select
            name="key"
            defaultValue={search.key ? String(search.key) : ""}
            className={selectClass}
            data-testid="filter-key"
          >
            <option value="">{t("any")}</option>
            {keys.map((key) => (
              <option key={key.id} value={key.id}>
                {key.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field-label xl:col-span-3">
          {t("status")}
          <select name="status" defaultValue={search.status ?? ""} className={selectClass} data-testid="filter-status">
            <option value="">{t("any")}</option>
            {statusClasses.map((statusClass) => (
              <option key={statusClass} value={statusClass}>
                {t(`statusClass.${statusClass}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field-label xl:col-span-2">
          {t("stream")}
          <select name="stream" defaultValue={search.stream ?? ""} className={selectClass} data-testid="filter-stream">
            <option value="">{t("any")}</option>
            <option value="yes">{t("yes")}</option>
            <option value="no">{t("no")}</option>
          </select>
        </label>
        <label className="field-label col-span-2 xl:col-span-3">
          {t("error")}
          <input
            type="search"
            name="q"
            maxLength={MAX_ERROR_TEXT}
            defaultValue={search.q ?? ""}
            placeholder={t("errorPlaceholder")}
            className="field-input py-1.5"
            data-testid="filter-q"
          />
        </label>
        <div className="col-span-2 flex items-end gap-2 xl:justify-end">
          <button type="submit" className="btn-primary" data-testid="filter-apply">
            {t("apply")}
          </button>
          <Link href="/logs" className="btn-secondary" data-testid="filter-reset">
            {t("reset")}
          </Link>
        </div>
      </div>
      <p className="mt-2 text-xs text-slate-500">{t("timeZoneNote", { zone: timeZone })}</p>
    </form>
  );
}
