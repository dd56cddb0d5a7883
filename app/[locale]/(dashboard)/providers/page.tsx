import { getTranslations, setRequestLocale } from "next-intl/server";
import { listCredentials } from "@/db/queries/credentials";
import { getProviderCallStatsSince } from "@/db/queries/provider-stats";
import { listProviders } from "@/db/queries/providers";
import { Link } from "@/app/_framework/i18n/navigation";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { PageHeader } from "../_components/page-header";
import { EmptyState } from "../_components/ui/empty-state";
import { AddProviderButton } from "./_components/add-provider-button";
import type { EndpointOption, ProviderItem, TimeoutDefaults } from "./_components/provider-types";
import { ProviderList } from "./_components/provider-list";
import { TIMEOUT_RANGES } from "./provider-schema";
import { effectiveWorkKinds } from "@/lib/work-kinds";

export const dynamic = "force-dynamic";

const DAY_MS = 24 * 3_600_000;

export default async function ProvidersPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Providers");
  const { db, runtime } = await getServerState();
  const now = Date.now();
  const [providers, credentials, stats] = await Promise.all([
    listProviders(db),
    listCredentials(db),
    getProviderCallStatsSince(db, now - DAY_MS),
  ]);
  const { settings } = runtime.getSnapshot();
  const defaults: TimeoutDefaults = {
    connectTimeoutMs: { fallback: settings.connectTimeoutMs, ...TIMEOUT_RANGES.connectTimeoutMs },
    firstTokenTimeoutMs: { fallback: settings.firstTokenTimeoutMs, ...TIMEOUT_RANGES.firstTokenTimeoutMs },
    totalTimeoutMs: { fallback: settings.totalTimeoutMs, ...TIMEOUT_RANGES.totalTimeoutMs },
  };
  // Names and ids only: the endpoint's key never reaches the browser.
  const endpoints: EndpointOption[] = credentials.map((credential) => ({ id: credential.id, name: credential.name }));
  const items: ProviderItem[] = providers.map((provider) => {
    const breaker = runtime.breakers.view(provider.id, now);
    const live = runtime.providerStats?.view(provider.id);
    const calls = stats.get(provider.name) ?? { calls: 0, successes: 0 };
    return {
      id: provider.id,
      name: provider.name,
      credentialId: provider.credentialId,
      credentialName: provider.credentialName,
      upstreamModel: provider.upstreamModel,
      priceInput: provider.priceInput,
      priceOutput: provider.priceOutput,
      priceCached: provider.priceCached,
      priceCacheWrite: provider.priceCacheWrite,
      priceUnit: provider.priceUnit,
      pricePerUnit: provider.pricePerUnit,
      kinds: provider.kinds,
      servedKinds: [...effectiveWorkKinds(provider.kinds, provider.upstreamModel, provider.baseUrl)],
      isEnabled: provider.isEnabled,
      connectTimeoutMs: provider.connectTimeoutMs,
      firstTokenTimeoutMs: provider.firstTokenTimeoutMs,
      totalTimeoutMs: provider.totalTimeoutMs,
      extraHeaders: provider.extraHeaders,
      limits: provider.limits,
      breaker: {
        state: breaker.state,
        secondsLeft:
          breaker.state === "open" && breaker.openUntil !== null
            ? Math.max(1, Math.ceil((breaker.openUntil - now) / 1000))
            : null,
        recentFailures: breaker.recentFailures,
        reason: breaker.reason,
        reopensAt: breaker.openUntil,
        lastFailure: breaker.lastFailure,
      },
      live: {
        ttftP50Ms: live?.ttftP50Ms ?? null,
        ttftP95Ms: live?.ttftP95Ms ?? null,
        inFlight: live?.inFlight ?? 0,
      },
      calls24h: calls.calls,
      successes24h: calls.successes,
    };
  });

  const addButton = <AddProviderButton endpoints={endpoints} defaults={defaults} />;
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} actions={items.length > 0 ? addButton : undefined} />
      {endpoints.length === 0 ? (
        <EmptyState
          title={t("noEndpoints.title")}
          body={t("noEndpoints.body")}
          action={
            <Link href="/credentials" className="btn-primary" data-testid="go-to-credentials">
              {t("noEndpoints.action")}
            </Link>
          }
        />
      ) : items.length === 0 ? (
        <EmptyState title={t("empty.title")} body={t("empty.body")} action={addButton} />
      ) : (
        <ProviderList providers={items} endpoints={endpoints} defaults={defaults} />
      )}
    </>
  );
}
