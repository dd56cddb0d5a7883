import { getTranslations } from "next-intl/server";
import { Link } from "@/app/_framework/i18n/navigation";
import { dayKeyOf, MAX_CUSTOM_DAYS, type OverviewRange } from "@/lib/analytics/overview-range";

/**
 * Preset ranges as links and a custom range as a plain GET form: the range lives in the
 * URL (shareable, back button works) and the page needs no client code to switch it.
 */
export async function RangePicker({ range }: { range: OverviewRange }) {
  const t = await getTranslations("Overview.range");
  const presets = [
    { key: "24h", label: t("24h") },
    { key: "7d", label: t("7d") },
    { key: "30d", label: t("30d") },
  ] as const;
  return (
    <div className="flex flex-wrap items-end gap-3" data-testid="range-picker">
      <nav
        className="inline-flex rounded-md border border-slate-200 bg-white p-0.5 text-sm shadow-sm"
        aria-label={t("label")}
      >
        {presets.map((preset) => {
          const isActive = range.preset === preset.key;
          return (
            <Link
              key={preset.key}
              href={{ pathname: "/", query: { range: preset.key } }}
              aria-current={isActive ? "page" : undefined}
              className={`rounded px-3 py-1.5 font-medium ${isActive ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100"}`}
              data-testid={`range-${preset.key}`}
            >
              {preset.label}
            </Link>
          );
        })}
      </nav>
      <form method="get" className="flex flex-wrap items-end gap-2" data-testid="range-custom">
        <input type="hidden" name="range" value="custom" />
        <label className="text-xs text-slate-500">
          {t("from")}
          <input
            type="date"
            name="from"
            required
            defaultValue={dayKeyOf(range.firstDay)}
            className="field-input mt-0.5 py-1"
            data-testid="range-from"
          />
        </label>
        <label className="text-xs text-slate-500">
          {t("to")}
          <input
            type="date"
            name="to"
            required
            defaultValue={dayKeyOf(range.lastDay)}
            className="field-input mt-0.5 py-1"
            data-testid="range-to"
          />
        </label>
        <button
          type="submit"
          className={range.preset === "custom" ? "btn-primary py-1.5" : "btn-secondary py-1.5"}
          title={t("customHint", { max: MAX_CUSTOM_DAYS })}
          data-testid="range-apply"
        >
          {t("custom")}
        </button>
      </form>
    </div>
  );
}
