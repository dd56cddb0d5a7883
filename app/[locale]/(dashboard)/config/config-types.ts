import type { ImportPlan } from "@/lib/config-transfer";
import type { ImportSourceName } from "@/lib/config-transfer/sources";

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

/** A source import's result: the plan, and how many of the source's entries had no equivalent. */
export type SourceImportActionResult =
  { ok: true; data: { plan: ImportPlan; isApplied: boolean; leftOut: number } } | ConfigFailure;

/** What the import card offers: our own document first, then the other gateways. */
export const IMPORT_SOURCE_CHOICES = ["config", "niceapi", "oneapi", "litellm"] as const satisfies readonly (
  "config" | ImportSourceName
)[];
export type ImportSourceChoice = (typeof IMPORT_SOURCE_CHOICES)[number];

/** Checked in the browser too, before the upload starts. */
export { MAX_SOURCE_UPLOAD_BYTES } from "@/lib/config-transfer/sources/upload-limit";
