import type { ImportModelsResult } from "@/lib/importer/apply";
import type { ModelFetchProblem } from "@/lib/importer/fetch-models";

/* What the importer's page and actions hand the browser: never an endpoint's key. */

export interface EndpointChoice {
  id: number;
  name: string;
  baseUrl: string;
  keyHint: string;
  providerCount: number;
}

export interface GroupChoice {
  id: number;
  name: string;
  memberCount: number;
}

export interface FetchedModel {
  id: string;
  ownedBy: string | null;
  /** Listed now but not at the last import from this endpoint. */
  isNew: boolean;
  /** A provider on this endpoint already calls this model. */
  isImported: boolean;
}

export interface FetchedModels {
  /** The base URL that answered (for a new endpoint, what it will store). */
  baseUrl: string;
  /** The endpoint these models come from, when it exists already (chosen, or same URL and key). */
  credentialId: number | null;
  credentialName: string | null;
  /** A default name for a new endpoint. */
  suggestedName: string;
  /** True when an earlier import from this endpoint is known, so "new" markers mean something. */
  hasHistory: boolean;
  models: FetchedModel[];
  skippedEntries: number;
}

/** A failed fetch: the problem is a key of `Import.fetchErrors`. */
export interface FetchFailure {
  ok: false;
  formError: ModelFetchProblem;
  upstreamStatus: number | null;
}

/** What the browser is told after an import: the data layer's result without internal ids. */
export type ImportSummary = Omit<ImportModelsResult, "updatedProviderIds">;
