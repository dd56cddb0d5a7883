"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { IMPORT_SOURCE_CHOICES, type ImportSourceChoice } from "../config-types";
import { DocumentImportForm } from "./document-import-form";
import { SourceImportForm } from "./source-import-form";

/** Our own configuration document, or another gateway's data, through the same preview and apply. */
export function ImportCard() {
  const t = useTranslations("Config.import");
  const [source, setSource] = useState<ImportSourceChoice>("config");
  return (
    <section className="card" data-testid="import-card">
      <h2 className="font-semibold text-slate-900">{t("title")}</h2>
      <p className="mt-1 text-sm text-slate-500">{t("body")}</p>
      <div className="mt-4">
        <label htmlFor="import-source" className="field-label">
          {t("source")}
        </label>
        <select
          id="import-source"
          className="field-input"
          value={source}
          onChange={(event) => setSource(event.target.value as ImportSourceChoice)}
          data-testid="import-source"
        >
          {IMPORT_SOURCE_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {t(`sources.${choice}`)}
            </option>
          ))}
        </select>
      </div>
      {/* A new source starts from an empty form: a plan never outlives the input it was made from. */}
      {source === "config" ? <DocumentImportForm /> : <SourceImportForm key={source} source={source} />}
    </section>
  );
}
