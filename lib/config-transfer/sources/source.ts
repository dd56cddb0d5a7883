import { parseConfigDocument, type ConfigDocument } from "../document";
import { ConfigTransferError, type ConfigTransferErrorCode } from "../errors";
import type { DocumentSecrets } from "../secrets";

/** What an importer makes of another system's storage: our document and the secrets it needs. */
export interface ImportedSource {
  document: ConfigDocument;
  /** Provider keys in the clear, by endpoint name (passed to importConfig, never printed). */
  secrets: DocumentSecrets;
  /** Client keys in the clear, by API key entry name: imported so clients keep working. */
  apiKeySecrets: Record<string, string>;
  /** What was left out, one line each (never a secret). */
  warnings: string[];
}

export type SourceErrorCode = Extract<ConfigTransferErrorCode, `source_${string}`>;

/** `detail` is what a translated message needs (names, a host): never a secret. */
export function invalidSource(
  code: SourceErrorCode,
  message: string,
  options: { cause?: unknown; detail?: string } = {},
): ConfigTransferError {
  return new ConfigTransferError(code, message, options);
}

/** Validates what a source built; a failure here is the importer's fault, said plainly. */
export function toImportedSource(
  source: string,
  draft: unknown,
  secrets: DocumentSecrets,
  apiKeySecrets: Record<string, string>,
  warnings: string[],
): ImportedSource {
  try {
    return { document: parseConfigDocument(draft), secrets, apiKeySecrets, warnings };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // The document's own error names the first bad path, which is what the page shows.
    const detail = error instanceof ConfigTransferError ? error.detail : undefined;
    throw invalidSource("source_invalid", `The ${source} data does not make a valid configuration: ${reason}`, {
      cause: error,
      detail,
    });
  }
}

/** Names unique within one list: a repeat gets ` (2)`, ` (3)`… */
export function uniqueNamer(): (name: string) => string {
  const seen = new Map<string, number>();
  return (name) => {
    const base = name.trim().slice(0, 190) || "unnamed";
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  };
}
