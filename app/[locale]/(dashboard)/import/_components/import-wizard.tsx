"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { useRouter } from "@/app/_framework/i18n/navigation";
import { endpointNameFor } from "@/lib/importer/base-url";
import type { LocalServer } from "@/lib/importer/discover";
import type { EndpointChoice, FetchedModels, GroupChoice, ImportSummary } from "../import-types";
import { LocalServersPanel } from "./local-servers-panel";
import { PreviewStep } from "./preview-step";
import { ResultSummary } from "./result-summary";
import { SourceStep, type SourceValues } from "./source-step";

type Step = "source" | "preview" | "done";
const STEPS: Step[] = ["source", "preview", "done"];

/**
 * Three steps: where the models come from, which of them to import and how, and what the
 * import did. The typed key stays in this component's memory (it is needed again to create
 * the endpoint); the server never sends it back.
 */
export function ImportWizard({
  endpoints,
  groups,
  existingNames,
}: {
  endpoints: EndpointChoice[];
  groups: GroupChoice[];
  existingNames: string[];
}) {
  const t = useTranslations("Import");
  const router = useRouter();
  const [step, setStep] = useState<Step>("source");
  const [source, setSource] = useState<SourceValues>({
    kind: endpoints.length > 0 ? "existing" : "new",
    credentialId: endpoints[0]?.id ?? null,
    baseUrl: "",
    apiKey: "",
    name: "",
    protocol: "openai",
  });
  const [fetched, setFetched] = useState<FetchedModels | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  // Bumped to remount the source form with new values when a local find is used.
  const [sourceFormKey, setSourceFormKey] = useState(0);

  const onFetched = (values: SourceValues, models: FetchedModels) => {
    setSource(values);
    setFetched(models);
    setStep("preview");
  };
  const onImported = (result: ImportSummary) => {
    setSummary(result);
    setStep("done");
    // The page's endpoint, group and provider lists changed.
    router.refresh();
  };
  // A local server needs no key but the form asks for one: "local" unless one was typed.
  const applyLocalServer = (server: LocalServer) => {
    setSource((current) => ({
      kind: "new",
      credentialId: current.credentialId,
      baseUrl: server.baseUrl,
      apiKey: current.apiKey === "" ? "local" : current.apiKey,
      name: `${server.kind} ${endpointNameFor(server.baseUrl)}`,
      protocol: "openai",
    }));
    setSourceFormKey((key) => key + 1);
  };
  const startAgain = (credentialId: number) => {
    setSource({ kind: "existing", credentialId, baseUrl: "", apiKey: "", name: "", protocol: "openai" });
    setFetched(null);
    setSummary(null);
    setStep("source");
  };

  return (
    <div className="space-y-6" data-testid="import-wizard" data-step={step}>
      <ol className="flex flex-wrap gap-2 text-sm" aria-label={t("steps.label")}>
        {STEPS.map((item, index) => {
          const isCurrent = item === step;
          const isDone = STEPS.indexOf(step) > index;
          return (
            <li
              key={item}
              aria-current={isCurrent ? "step" : undefined}
              className={`flex items-center gap-2 rounded-full px-3 py-1 ${
                isCurrent
                  ? "bg-indigo-600 text-white"
                  : isDone
                    ? "bg-indigo-50 text-indigo-700"
                    : "bg-slate-100 text-slate-500"
              }`}
            >
              <span className="font-semibold">{index + 1}</span>
              <span>{t(`steps.${item}`)}</span>
            </li>
          );
        })}
      </ol>
      {step === "source" ? (
        <>
          <LocalServersPanel onUse={applyLocalServer} />
          <SourceStep key={sourceFormKey} endpoints={endpoints} initial={source} onFetched={onFetched} />
        </>
      ) : null}
      {step === "preview" && fetched ? (
        <PreviewStep
          source={source}
          fetched={fetched}
          groups={groups}
          existingNames={existingNames}
          onBack={() => setStep("source")}
          onImported={onImported}
        />
      ) : null}
      {step === "done" && summary ? (
        <ResultSummary summary={summary} onAgain={() => startAgain(summary.credentialId)} />
      ) : null}
    </div>
  );
}
