"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import type { LocalServer } from "@/lib/importer/discover";
import { scanLocalServersAction } from "../discover-action";
import { MAX_ADDED_URLS } from "../discover-schema";

/** Addresses typed into the one field, separated by spaces, commas or new lines. */
function addedUrls(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .filter((part) => part !== "")
    .slice(0, MAX_ADDED_URLS);
}

/**
 * Scans for model servers on the gateway's own machine (and added addresses) and hands a
 * find to the source form with one click.
 */
export function LocalServersPanel({ onUse }: { onUse: (server: LocalServer) => void }) {
  const t = useTranslations("Import.discover");
  const errors = useTranslations("Errors");
  const [urlText, setUrlText] = useState("");
  const [finds, setFinds] = useState<LocalServer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  const scan = () => {
    setError(null);
    startTransition(async () => {
      try {
        const result = await scanLocalServersAction({ urls: addedUrls(urlText) });
        if (result.ok) setFinds(result.data ?? []);
        else setError(result.formError ?? Object.values(result.fieldErrors ?? {})[0] ?? "unexpected");
      } catch {
        setError("unexpected");
      }
    });
  };

  return (
    <section className="card max-w-2xl space-y-4" data-testid="local-servers" aria-labelledby="local-servers-title">
      <div>
        <h2 id="local-servers-title" className="text-base font-semibold text-slate-900">
          {t("title")}
        </h2>
        <p className="mt-1 text-sm text-slate-500">{t("body")}</p>
      </div>
      <div>
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-0 flex-1">
            <label htmlFor="field-discover-urls" className="field-label">
              {t("addUrl")}
            </label>
            <input
              id="field-discover-urls"
              className="field-input"
              value={urlText}
              onChange={(event) => setUrlText(event.target.value)}
              placeholder="http://192.168.1.20:11434"
              autoComplete="off"
              spellCheck={false}
              data-testid="discover-urls"
            />
          </div>
          <button
            type="button"
            className="btn-secondary"
            onClick={scan}
            disabled={isPending}
            data-testid="discover-scan"
          >
            {isPending ? t("scanning") : t("scan")}
          </button>
        </div>
        <p className="mt-1 text-xs text-slate-500">{t("addUrlHint")}</p>
      </div>
      {error ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">
          {errors.has(error) ? errors(error) : errors("unexpected")}
        </div>
      ) : null}
      {finds !== null && finds.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="discover-none">
          {t("none")}
        </p>
      ) : null}
      {finds !== null && finds.length > 0 ? (
        <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="discover-finds">
          {finds.map((server) => (
            <li
              key={server.baseUrl}
              className="flex flex-wrap items-center gap-3 px-4 py-3"
              data-testid="discover-find"
              data-kind={server.kind}
            >
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium text-slate-900">{t(`kinds.${server.kind}`)}</p>
                <p className="truncate font-mono text-xs text-slate-500">{server.baseUrl}</p>
              </div>
              <span className="text-sm text-slate-600">{t("modelCount", { count: server.models.length })}</span>
              <button
                type="button"
                className="btn-secondary"
                onClick={() => onUse(server)}
                data-testid="discover-use"
                aria-label={t("useLabel", { url: server.baseUrl })}
              >
                {t("use")}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
