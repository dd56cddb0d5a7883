import { invalidSource, type ImportedSource } from "./source";
import { readLiteLlm } from "./litellm";
import { readNiceApi } from "./niceapi";
import { readOneApi } from "./oneapi";

export type { ImportedSource } from "./source";
export { ONEAPI_QUOTA_PER_USD } from "./oneapi";

export const IMPORT_SOURCES = ["niceapi", "oneapi", "litellm"] as const;
export type ImportSourceName = (typeof IMPORT_SOURCES)[number];

export function isImportSourceName(value: string): value is ImportSourceName {
  return (IMPORT_SOURCES as readonly string[]).includes(value);
}

/** Reads another system's storage into our configuration document (nothing is written). */
export function readImportSource(source: ImportSourceName, location: string): Promise<ImportedSource> {
  switch (source) {
    case "niceapi":
      return readNiceApi(location);
    case "oneapi":
      return readOneApi(location);
    case "litellm":
      return Promise.resolve().then(() => readLiteLlm(location));
    default:
      throw invalidSource("source_invalid", `Unknown source ${String(source)}`);
  }
}
