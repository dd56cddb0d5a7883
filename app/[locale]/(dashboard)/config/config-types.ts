import type { ImportPlan } from "@/lib/config-transfer";

/** Largest document the page sends (server actions take 1 MB bodies). */
export const MAX_DOCUMENT_BYTES = 900_000;

/** A failure: an `Errors` key, and for some keys a language-neutral detail (a path, names). */
export interface ConfigFailure {
  ok: false;
  formError: string;
  errorDetail?: string;
  fieldErrors?: Record<string, string>;
}

export type ExportActionResult = { ok: true; data: { fileName: string; text: string } } | ConfigFailure;
export type ImportActionResult = { ok: true; data: { plan: ImportPlan; isApplied: boolean } } | ConfigFailure;
