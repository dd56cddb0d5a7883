import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readImportSource, type ImportSourceName } from "./index";
import type { ImportedSource } from "./source";

export { MAX_SOURCE_UPLOAD_BYTES } from "./upload-limit";

/**
 * The readers take a path (SQLite opens files, not buffers), so an upload is written to a
 * private temporary folder under a name of our own, read, and deleted whatever happens.
 */
export async function readUploadedSource(source: ImportSourceName, bytes: Uint8Array): Promise<ImportedSource> {
  const dir = await mkdtemp(join(tmpdir(), "import-upload-"));
  try {
    const path = join(dir, source === "litellm" ? "config.yaml" : "upload.db");
    await writeFile(path, bytes, { mode: 0o600 });
    return await readImportSource(source, path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
