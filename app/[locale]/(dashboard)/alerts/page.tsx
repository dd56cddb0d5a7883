import { getTranslations, setRequestLocale } from "next-intl/server";
import { listAlertTargets } from "@/db/queries/alerts";
import { webhookOrigin } from "@/lib/alerts/webhook-url";
import { getSettings } from "@/db/queries/settings";
import { requireAdminPage } from "@/app/_framework/session";
import { Link } from "@/app/_framework/i18n/navigation";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { AddTargetButton } from "./_components/add-target-button";
import { TargetTable } from "./_components/target-table";

export const dynamic = "force-dynamic";

export default async function AlertsPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Alerts");
  const { db } = await getServerState();
  const [targets, settings] = await Promise.all([listAlertTargets(db), getSettings(db)]);

  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} actions={<AddTargetButton />} />
      <div
        className="mb-4 rounded-md border border-indigo-100 bg-indigo-50 px-4 py-3 text-sm text-indigo-900"
        data-testid="alert-thresholds"
      >
        {t.rich("thresholds", {
          percent: settings.alertErrorRatePercent,
          window: settings.alertErrorRateWindowSeconds,
          minimum: settings.alertErrorRateMinRequests,
          cooldown: settings.alertCooldownSeconds,
          link: (chunks) => (
            <Link href="/settings" className="font-medium underline">
              {chunks}
            </Link>
          ),
        })}
      </div>
      {targets.length === 0 ? (
        <EmptyState
          title={t("emptyTitle")}
          body={t("emptyBody")}
          action={<AddTargetButton testId="add-target-empty" />}
        />
      ) : (
        <TargetTable targets={targets.map((target) => ({ ...target, url: webhookOrigin(target.url) }))} />
      )}
    </>
  );
}
