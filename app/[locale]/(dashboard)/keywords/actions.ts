"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createKeyword, deleteKeyword, listKeywords, setKeywordEnabled, updateKeyword } from "@/db/queries/keywords";
import type { Executor } from "@/db/schema";
import type { ActionResult } from "@/lib/action-result";
import { invalidFields, invalidInput, runAdminAction } from "@/app/_framework/admin-action";
import type { ServerState } from "@/lib/server/state";
import { KEYWORD_MAX_LENGTH } from "./keyword-limits";

const keywordText = z.string().trim().min(1, "required").max(KEYWORD_MAX_LENGTH, "tooLong");
const keywordId = z.number().int().positive();

const createSchema = z.object({ keyword: keywordText, isEnabled: z.boolean().default(true) });
const updateSchema = z.object({ id: keywordId, keyword: keywordText });
const toggleSchema = z.object({ id: keywordId, isEnabled: z.boolean() });
const deleteSchema = z.object({ id: keywordId });

const duplicate: ActionResult = { ok: false, fieldErrors: { keyword: "duplicateKeyword" } };

/** Matching ignores case, so "Quota" and "quota" are one keyword: refuse the second. */
async function isDuplicate(db: Executor, keyword: string, exceptId?: number): Promise<boolean> {
  const needle = keyword.toLowerCase();
  const existing = await listKeywords(db);
  return existing.some((row) => row.id !== exceptId && row.keyword.trim().toLowerCase() === needle);
}

async function applied(state: ServerState): Promise<ActionResult> {
  await state.reloadConfig();
  revalidatePath("/[locale]/(dashboard)/keywords", "page");
  return { ok: true };
}

export async function createKeywordAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsed = createSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    if (await isDuplicate(state.db, parsed.data.keyword)) return duplicate;
    await createKeyword(state.db, parsed.data);
    return applied(state);
  });
}

export async function updateKeywordAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsed = updateSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    if (await isDuplicate(state.db, parsed.data.keyword, parsed.data.id)) return duplicate;
    await updateKeyword(state.db, parsed.data.id, { keyword: parsed.data.keyword });
    return applied(state);
  });
}

export async function setKeywordEnabledAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsed = toggleSchema.safeParse(input);
    if (!parsed.success) return invalidInput;
    await setKeywordEnabled(state.db, parsed.data.id, parsed.data.isEnabled);
    return applied(state);
  });
}

export async function deleteKeywordAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsed = deleteSchema.safeParse(input);
    if (!parsed.success) return invalidInput;
    await deleteKeyword(state.db, parsed.data.id);
    return applied(state);
  });
}
