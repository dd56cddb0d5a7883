"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { fieldErrorsFrom } from "@/lib/action-result";
import {
  exportConfig,
  importConfig,
  MIN_PASSPHRASE_LENGTH,
  parseConfigDocumentText,
  serializeConfigDocument,
} from "@/lib/config-transfer";
import { recordAdminChanges } from "@/app/_framework/admin-action";
import { authorizeAction } from "@/app/_framework/session";
import { getServerState } from "@/lib/server/state";
import { failure } from "./action-failure";
import { MAX_DOCUMENT_BYTES, type ExportActionResult, type ImportActionResult } from "./config-types";

const exportSchema = z
  .object({
    includeSecrets: z.boolean({ error: "invalid" }),
    passphrase: z.string({ error: "invalid" }).max(1_000, "tooLong").default(""),
  })
  .refine((value) => !value.includeSecrets || value.passphrase.length >= MIN_PASSPHRASE_LENGTH, {
    path: ["passphrase"],
    message: "passphraseTooShort",
  });

/** The document as text, for the browser to save; provider keys only encrypted, and only when asked. */
export async function exportConfigAction(input: unknown): Promise<ExportActionResult> {
  const access = await authorizeAction("admin");
  if (!access.ok) return access;
  const parsed = exportSchema.safeParse(input);
  if (!parsed.success) return { ok: false, formError: "invalid", fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db, cipher } = await getServerState();
    const { includeSecrets, passphrase } = parsed.data;
    const document = await exportConfig(db, includeSecrets ? cipher : null, { includeSecrets, passphrase });
    const day = (document.exportedAt ?? new Date().toISOString()).slice(0, 10);
    return { ok: true, data: { fileName: `gateway-config-${day}.json`, text: serializeConfigDocument(document) } };
  } catch (error) {
    return failure(error);
  }
}

const importSchema = z.object({
  text: z.string({ error: "required" }).min(1, "required").max(MAX_DOCUMENT_BYTES, "fileTooLarge"),
  passphrase: z.string({ error: "invalid" }).max(1_000, "tooLong").default(""),
  prune: z.boolean({ error: "invalid" }).default(false),
});

async function runImport(input: unknown, dryRun: boolean): Promise<ImportActionResult> {
  const access = await authorizeAction("admin");
  if (!access.ok) return access;
  const { session } = access;
  const parsed = importSchema.safeParse(input);
  if (!parsed.success) return { ok: false, formError: "invalid", fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const state = await getServerState();
    const document = parseConfigDocumentText(parsed.data.text);
    const result = await recordAdminChanges(session, state, () =>
      importConfig(state.db, state.cipher, document, {
        passphrase: parsed.data.passphrase || undefined,
        prune: parsed.data.prune,
        dryRun,
      }),
    );
    if (result.isApplied) {
      await state.reloadConfig();
      // Every section may have changed.
      revalidatePath("/[locale]/(dashboard)", "layout");
    }
    return { ok: true, data: { plan: result.plan, isApplied: result.isApplied } };
  } catch (error) {
    return failure(error);
  }
}

/** The dry run: what the document would create, change and remove. Writes nothing. */
export async function previewImportAction(input: unknown): Promise<ImportActionResult> {
  return runImport(input, true);
}

/** Applies the document in one transaction; the gateway takes it up before this returns. */
export async function applyImportAction(input: unknown): Promise<ImportActionResult> {
  return runImport(input, false);
}
