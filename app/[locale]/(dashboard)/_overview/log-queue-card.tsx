import { getFormatter, getTranslations } from "next-intl/server";
import type { LogWriterStats } from "@/lib/log-writer";

/** The log writer's queue, as /api/ready reports it: rows waiting for the database, and rows lost. */
export async function LogQueueCard({ stats }: { stats: LogWriterStats }) {
  const t = await getTranslations("Overview.logQueue");
  const format = await getFormatter();
  const isHealthy = stats.queued === 0 && stats.dropped === 0;
  return (
    <section className="card" data-testid="log-queue">
      <h2 className="font-semibold">{t("title")}</h2>
      <dl className="mt-2 grid grid-cols-2 gap-2 text-sm">
        <div>
          <dt className="text-slate-500">{t("queued")}</dt>
          <dd
            className={`text-xl font-semibold tabular-nums ${stats.queued > 0 ? "text-amber-700" : "text-slate-900"}`}
            data-testid="log-queue-queued"
          >
            {format.number(stats.queued)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">{t("dropped")}</dt>
          <dd
            className={`text-xl font-semibold tabular-nums ${stats.dropped > 0 ? "text-red-700" : "text-slate-900"}`}
            data-testid="log-queue-dropped"
          >
            {format.number(stats.dropped)}
          </dd>
        </div>
      </dl>
      {isHealthy ? null : <p className="mt-2 text-xs text-slate-500">{t("body")}</p>}
    </section>
  );
}
