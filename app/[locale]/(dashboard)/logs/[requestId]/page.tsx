import { getFormatter, getTranslations, setRequestLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { z } from "zod";
import { getCallLog } from "@/db/queries/call-logs";
import { Link } from "@/app/_framework/i18n/navigation";
import { inertBlock, inertLine, prettyJson } from "@/lib/inert-text";
import { requireAdminPage } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { resolveTimeZone } from "@/lib/time-zone";
import { PageHeader } from "../../_components/page-header";
import { Badge } from "../../_components/ui/badge";
import { EmptyState } from "../../_components/ui/empty-state";
import { formatCost, formatMs } from "../../_overview/overview-view";
import { AttemptChain } from "../_components/attempt-chain";
import { TextBlock } from "../_components/text-block";
import { StatusBadge } from "../_components/status-badge";

export const dynamic = "force-dynamic";

/** Characters of an error shown; bodies get more (they scroll in their own box). */
const ERROR_CHARS = 20_000;
const NAME_CHARS = 200;
/** The API a request came in on (call_logs.api), as a key of `Logs.detail.apis`. */
const API_LABELS: Record<string, string> = {
  "chat.completions": "chat",
  messages: "messages",
  "messages.count_tokens": "countTokens",
  responses: "responses",
  completions: "completions",
  embeddings: "embeddings",
  moderations: "moderations",
  rerank: "rerank",
  images: "images",
  "images.edits": "imageEdits",
  "audio.transcriptions": "transcriptions",
  "audio.translations": "translations",
  "audio.speech": "speech",
  "responses.retrieve": "responsesStored",
  "responses.delete": "responsesStored",
  "responses.input_items": "responsesStored",
  "responses.cancel": "responsesStored",
};

const requestIdSchema = z.string().min(1).max(200);

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 break-words text-sm text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export default async function CallLogDetailPage({
  params,
}: {
  params: Promise<{ locale: string; requestId: string }>;
}) {
  const { locale, requestId: rawId } = await params;
  setRequestLocale(locale);
  await requireAdminPage(locale);
  const t = await getTranslations("Logs.detail");
  const format = await getFormatter();
  const state = await getServerState();
  const timeZone = resolveTimeZone(state.runtime.getSnapshot().settings.timeZone);
  const parsedId = requestIdSchema.safeParse(rawId);
  const entry = parsedId.success ? await getCallLog(state.db, parsedId.data) : undefined;
  const back = (
    <Link href="/logs" className="btn-secondary" data-testid="detail-back">
      {t("back")}
    </Link>
  );
  if (!entry) {
    return (
      <>
        <PageHeader title={t("title")} actions={back} />
        <EmptyState title={t("notFoundTitle")} body={t("notFoundBody")} />
      </>
    );
  }

  const name = (value: string | null) =>
    value ? inertLine(value, NAME_CHARS) : <span className="text-slate-400">{t("none")}</span>;
  const error = entry.error ? inertBlock(entry.error, ERROR_CHARS) : null;
  return (
    <>
      <PageHeader title={t("title")} subtitle={inertLine(entry.requestId, NAME_CHARS)} actions={back} />
      <section className="card">
        <dl className="grid gap-x-6 gap-y-4 sm:grid-cols-2 lg:grid-cols-4">
          <Field label={t("time")}>
            <time dateTime={new Date(entry.createdAt).toISOString()}>
              {format.dateTime(entry.createdAt, { dateStyle: "medium", timeStyle: "medium", timeZone })}
            </time>
          </Field>
          <Field label={t("status")} testId="detail-status">
            <span className="flex flex-wrap items-center gap-1">
              <StatusBadge status={entry.status} />
              {entry.isIncomplete ? <Badge tone="amber">{t("incomplete")}</Badge> : null}
            </span>
          </Field>
          <Field label={t("api")} testId="detail-api">
            {t(`apis.${API_LABELS[entry.api] ?? "other"}`, { api: entry.api })}
          </Field>
          <Field label={t("stream")}>{entry.isStream ? t("yes") : t("no")}</Field>
          <Field label={t("group")}>{name(entry.groupName)}</Field>
          <Field label={t("provider")} testId="detail-provider">
            {name(entry.providerName)}
          </Field>
          <Field label={t("key")}>{name(entry.apiKeyName)}</Field>
          <Field label={t("latency")}>{formatMs(format, entry.latencyMs)}</Field>
          <Field label={t("ttft")}>{formatMs(format, entry.ttftMs)}</Field>
          <Field label={t("tokens")} testId="detail-tokens">
            {t("tokensValue", {
              prompt: format.number(entry.promptTokens),
              completion: format.number(entry.completionTokens),
              cached: format.number(entry.cachedTokens),
            })}
            {entry.cacheWriteTokens > 0
              ? ` · ${t("cacheWriteValue", { written: format.number(entry.cacheWriteTokens) })}`
              : null}
            {entry.isUsageEstimated ? (
              <span className="ml-2" title={t("estimatedHelp")} data-testid="detail-estimated">
                <Badge tone="gray">{t("estimated")}</Badge>
              </span>
            ) : null}
          </Field>
          {entry.billedUnit !== "none" ? (
            <Field label={t("billed")} testId="detail-billed">
              {t(`billedValue.${entry.billedUnit}`, {
                count: entry.billedUnits,
                amount: format.number(entry.billedUnits, { maximumFractionDigits: 2 }),
              })}
            </Field>
          ) : null}
          <Field label={t("cost")}>{formatCost(format, entry.cost)}</Field>
        </dl>
        {entry.isIncomplete ? <p className="mt-4 text-sm text-amber-800">{t("incompleteHelp")}</p> : null}
        {entry.isUsageEstimated ? <p className="mt-2 text-sm text-slate-500">{t("estimatedHelp")}</p> : null}
      </section>

      {error ? (
        <section className="card mt-4">
          <h2 className="font-semibold">{t("error")}</h2>
          <TextBlock
            value={error}
            testId="detail-error"
            truncatedNote={t("truncated", {
              shown: format.number(error.text.length),
              total: format.number(error.totalChars),
            })}
          />
        </section>
      ) : null}

      <section className="card mt-4">
        <h2 className="font-semibold">{t("attempts")}</h2>
        <AttemptChain attempts={entry.attempts} />
      </section>

      <section className="card mt-4">
        <h2 className="font-semibold">{t("bodies")}</h2>
        {entry.requestBody === null && entry.responseBody === null ? (
          <p className="mt-2 text-sm text-slate-500" data-testid="detail-no-bodies">
            {t("noBodies")}
          </p>
        ) : (
          <div className="mt-2 grid gap-4 xl:grid-cols-2">
            <BodyBlock title={t("requestBody")} body={entry.requestBody} testId="detail-request-body" />
            <BodyBlock title={t("responseBody")} body={entry.responseBody} testId="detail-response-body" />
          </div>
        )}
      </section>
    </>
  );
}

async function BodyBlock({ title, body, testId }: { title: string; body: string | null; testId: string }) {
  const t = await getTranslations("Logs.detail");
  const format = await getFormatter();
  return (
    <div className="min-w-0">
      <h3 className="text-sm font-medium text-slate-700">{title}</h3>
      {body === null ? (
        <p className="mt-1 text-sm text-slate-400">{t("none")}</p>
      ) : (
        <BodyText
          body={body}
          testId={testId}
          note={(shown, total) => t("truncated", { shown: format.number(shown), total: format.number(total) })}
        />
      )}
    </div>
  );
}

const BODY_CHARS = 200_000;

function BodyText({
  body,
  testId,
  note,
}: {
  body: string;
  testId: string;
  note: (shown: number, total: number) => string;
}) {
  const value = inertBlock(prettyJson(body, BODY_CHARS), BODY_CHARS);
  return <TextBlock value={value} testId={testId} truncatedNote={note(value.text.length, value.totalChars)} />;
}
