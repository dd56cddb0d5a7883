import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { listKeywords, type KeywordView } from "@/db/queries/keywords";
import { getSettings } from "@/db/queries/settings";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { AddKeywordButton } from "./_components/add-keyword-button";
import { KeywordTable, type KeywordRow } from "./_components/keyword-table";

export const dynamic = "force-dynamic";

/** Hits within this span read best as "3 hours ago"; older ones as a date. */
const RELATIVE_SPAN_MS = 7 * 24 * 3_600_000;

type Formatter = Awaited<ReturnType<typeof getFormatter>>;

function toRow(keyword: KeywordView, format: Formatter, now: number, timeZone: string | undefined): KeywordRow {
  const lastHitAt = keyword.lastHitAt;
  let lastHit: KeywordRow["lastHit"] = null;
  if (lastHitAt !== null) {
    const absolute = format.dateTime(lastHitAt, { dateStyle: "medium", timeStyle: "short", timeZone });
    const isRecent = now - lastHitAt < RELATIVE_SPAN_MS && lastHitAt <= now;
    lastHit = {
      iso: new Date(lastHitAt).toISOString(),
      label: isRecent ? format.relativeTime(lastHitAt, now) : absolute,
      title: absolute,
    };
  }
  return {
    id: keyword.id,
    keyword: keyword.keyword,
    isEnabled: keyword.isEnabled,
    hits: format.number(keyword.hitCount),
    lastHit,
  };
}

export default async function KeywordsPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Keywords");
  const format = await getFormatter();
  const { db } = await getServerState();
  const [keywords, settings] = await Promise.all([listKeywords(db), getSettings(db)]);
  const now = Date.now();
  // Times are formatted here, once, in the zone the operator chose (or the server's).
  const rows = keywords.map((keyword) => toRow(keyword, format, now, settings.timeZone || undefined));
  const enabledCount = keywords.filter((keyword) => keyword.isEnabled).length;

  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} actions={<AddKeywordButton />} />
      <div
        className="mb-4 rounded-md border border-indigo-100 bg-indigo-50 px-4 py-3 text-sm text-indigo-900"
        data-testid="keyword-explainer"
      >
        {t("explainer")}
      </div>
      {rows.length === 0 ? (
        <EmptyState
          title={t("emptyTitle")}
          body={t("emptyBody")}
          action={<AddKeywordButton testId="add-keyword-empty" />}
        />
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-500" data-testid="keyword-summary">
            {t("summary", { total: keywords.length, enabled: enabledCount })}
          </p>
          <KeywordTable rows={rows} />
        </>
      )}
    </>
  );
}
