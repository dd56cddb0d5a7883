"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authorizeAction } from "@/app/_framework/session";
import { importConfig } from "@/lib/config-transfer";
import { IMPORT_SOURCES, readImportSource, type ImportedSource } from "@/lib/config-transfer/sources";
import { MAX_SOURCE_UPLOAD_BYTES, readUploadedSource } from "@/lib/config-transfer/sources/upload";
import { getLogger } from "@/lib/logger";
import { getServerState } from "@/lib/server/state";
import { failure } from "./action-failure";
import type { ConfigFailure, SourceImportActionResult } from "./config-types";

const fieldsSchema = z.object({
  source: z.enum(IMPORT_SOURCES, { error: "invalid" }),
  url: z.string({ error: "invalid" }).trim().max(2_000, "tooLong").default(""),
  prune: z.boolean().default(false),
});

type SourceInput = { url: string } | { upload: File };

/** The form: a source, and its file or (one-api only) a database URL; the URL wins when both come. */
function parseForm(form: FormData): { fields: z.infer<typeof fieldsSchema>; input: SourceInput } | ConfigFailure {
  const parsed = fieldsSchema.safeParse({
    source: form.get("source") ?? undefined,
    url: form.get("url") ?? undefined,
    prune: form.get("prune") === "on",
  });
  if (!parsed.success) return { ok: false, formError: "invalid" };
  const fields = parsed.data;
  if (fields.source === "oneapi" && fields.url !== "") {
    // Only server URLs here: a path typed into this field must not read the server's own files.
    if (!/^(postgres(ql)?|mysql):\/\//i.test(fields.url)) return { ok: false, formError: "sourceUrlScheme" };
    return { fields, input: { url: fields.url } };
  }
  const upload = form.get("file");
  if (!(upload instanceof File) || upload.size === 0) return { ok: false, formError: "sourceFileRequired" };
  if (upload.size > MAX_SOURCE_UPLOAD_BYTES) return { ok: false, formError: "sourceFileTooLarge" };
  return { fields, input: { upload } };
}

async function readSource(source: (typeof IMPORT_SOURCES)[number], input: SourceInput): Promise<ImportedSource> {
  if ("url" in input) return readImportSource(source, input.url);
  return readUploadedSource(source, new Uint8Array(await input.upload.arrayBuffer()));
}

async function runSourceImport(form: FormData, dryRun: boolean): Promise<SourceImportActionResult> {
  const access = await authorizeAction("admin");
  if (!access.ok) return access;
  if (!(form instanceof FormData)) return { ok: false, formError: "invalid" };
  const parsed = parseForm(form);
  if ("ok" in parsed) return parsed;
  try {
    const imported = await readSource(parsed.fields.source, parsed.input);
    const state = await getServerState();
    const result = await importConfig(state.db, state.cipher, imported.document, {
      secrets: imported.secrets,
      apiKeySecrets: imported.apiKeySecrets,
      prune: parsed.fields.prune,
      dryRun,
    });
    // The notes are English lines with names: the operator's log has them, the page their count.
    if (imported.warnings.length > 0 && !dryRun)
      getLogger().info({ source: parsed.fields.source, notes: imported.warnings }, "Import left entries out");
    if (result.isApplied) {
      await state.reloadConfig();
      revalidatePath("/[locale]/(dashboard)", "layout");
    }
    return { ok: true, data: { plan: result.plan, isApplied: result.isApplied, leftOut: imported.warnings.length } };
  } catch (error) {
    return failure(error);
  }
}

/** Reads NiceAPI, one-api / new-api or LiteLLM data and plans it. Writes nothing. */
export async function previewSourceImportAction(form: FormData): Promise<SourceImportActionResult> {
  return runSourceImport(form, true);
}

/** Reads the same input again and applies it in one transaction. */
export async function applySourceImportAction(form: FormData): Promise<SourceImportActionResult> {
  return runSourceImport(form, false);
}
