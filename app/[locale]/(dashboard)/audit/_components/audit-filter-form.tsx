import { getTranslations } from "next-intl/server";
import { Link } from "@/app/_framework/i18n/navigation";
import type { AuditSearch } from "@/lib/audit/filters";
import { AUDIT_KINDS } from "@/lib/audit/snapshot";

const inputClass = "field-input py-1.5";

/**
 * A plain GET form, like the call logs': the filters live in the URL, so a view can be
 * bookmarked, works without JavaScript, and the CSV export reuses the same parameters.
 */
export async function AuditFilterForm({
  search,
  actors,
  timeZone,
}: {
  search: AuditSearch;
  actors: string[];
  timeZone: string;
}) {
  const t = await getTranslations("Audit");
  return (
    <form method="get" className="card mb-4 p-4" data-testid="audit-filters">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-3 xl:grid-cols-6">
        <label className="field-label">
          {t("filters.from")}
          <input
            type="datetime-local"
            name="from"
            defaultValue={search.from ?? ""}
            className={inputClass}
            data-testid="audit-filter-from"
          />
        </label>
        <label className="field-label">
          {t("filters.to")}
          <input
            type="datetime-local"
            name="to"
            defaultValue={search.to ?? ""}
            className={inputClass}
            data-testid="audit-filter-to"
          />
        </label>
        <label className="field-label">
          {t("filters.actor")}
          <input
            name="actor"
            list="audit-filter-actors"
            maxLength={200}
            defaultValue={search.actor ?? ""}
            placeholder={t("filters.any")}
            className={inputClass}
            data-testid="audit-filter-actor"
          />
          <datalist id="audit-filter-actors">
            {actors.map((actor) => (
              <option key={actor} value={actor} />
            ))}
          </datalist>
        </label>
        <label className="field-label">
          {t("filters.kind")}
          <select name="kind" defaultValue={search.kind ?? ""} className={inputClass} data-testid="audit-filter-kind">
            <option value="">{t("filters.any")}</option>
            {AUDIT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`kinds.${kind}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field-label">
          {t("filters.target")}
          <input
            type="search"
            name="target"
            maxLength={200}
            defaultValue={search.target ?? ""}
            placeholder={t("filters.targetPlaceholder")}
            className={inputClass}
            data-testid="audit-filter-target"
          />
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" className="btn-primary whitespace-nowrap" data-testid="audit-filter-apply">
            {t("filters.apply")}
          </button>
          <Link href="/audit" className="btn-secondary whitespace-nowrap" data-testid="audit-filter-reset">
            {t("filters.reset")}
          </Link>
        </div>
      </div>
      <p className="mt-2 text-xs text-slate-500">{t("filters.timeZoneNote", { zone: timeZone })}</p>
    </form>
  );
}
