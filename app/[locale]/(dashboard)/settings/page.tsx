import { setRequestLocale } from "next-intl/server";
import { getSettings } from "@/db/queries/settings";
import type { SettingKey } from "@/db/settings-schema";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { SettingsForm } from "./_components/settings-form";
import {
  METRICS_TOKEN_MAX,
  METRICS_TOKEN_MIN,
  numberFieldSpec,
  numberSettingKeys,
  settingSections,
  type NumberFieldSpec,
} from "./setting-fields";

export const dynamic = "force-dynamic";

export default async function SettingsPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const { db } = await getServerState();
  const settings = await getSettings(db);

  const specs: Partial<Record<SettingKey, NumberFieldSpec>> = {};
  const numbers: Partial<Record<SettingKey, string>> = {};
  for (const key of numberSettingKeys) {
    specs[key] = numberFieldSpec(key);
    numbers[key] = String(settings[key]);
  }

  // Only whether a metrics token exists reaches the browser, never the token itself.
  return (
    <SettingsForm
      sections={settingSections}
      specs={specs}
      initialNumbers={numbers}
      initialStoreBodies={settings.storeBodies}
      initialTimeZone={settings.timeZone}
      hasMetricsToken={settings.metricsToken !== ""}
      tokenLengths={{ min: METRICS_TOKEN_MIN, max: METRICS_TOKEN_MAX }}
      serverTimeZone={Intl.DateTimeFormat().resolvedOptions().timeZone}
      timeZones={Intl.supportedValuesOf("timeZone")}
    />
  );
}
