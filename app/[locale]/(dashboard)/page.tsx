import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import { headers } from "next/headers";
import { getOverviewCounts } from "@/db/queries/overview";
import { getDialect } from "@/db/client";
import { requireAdminPage } from "@/lib/server/session";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "./_components/page-header";

export const dynamic = "force-dynamic";

async function publicBaseUrl(): Promise<string> {
  const list = await headers();
  const host = list.get("x-forwarded-host") ?? list.get("host") ?? "localhost:8001";
  const proto = list.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}/v1`;
}

export default async function OverviewPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Overview");
  const format = await getFormatter();
  const { db } = await getServerState();
  const counts = await getOverviewCounts(db, Date.now() - 24 * 3_600_000);
  const cards = [
    { label: t("providers"), value: counts.providers },
    { label: t("groups"), value: counts.groups },
    { label: t("apiKeys"), value: counts.apiKeys },
    { label: t("requests24h"), value: counts.requestsSince },
  ];
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {cards.map((card) => (
          <div key={card.label} className="card">
            <p className="text-sm text-slate-500">{card.label}</p>
            <p className="mt-2 text-3xl font-semibold tabular-nums">{format.number(card.value)}</p>
          </div>
        ))}
      </div>
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <section className="card">
          <h2 className="font-semibold">{t("baseUrlTitle")}</h2>
          <p className="mt-1 text-sm text-slate-500">{t("baseUrlBody")}</p>
          <code className="mt-3 block overflow-x-auto rounded bg-slate-100 px-3 py-2 text-sm" data-testid="base-url">
            {await publicBaseUrl()}
          </code>
        </section>
        <section className="card">
          <h2 className="font-semibold">{t("databaseTitle")}</h2>
          <p className="mt-1 text-sm text-slate-500">{t("databaseBody", { dialect: getDialect(db) })}</p>
        </section>
      </div>
    </>
  );
}
