"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { isDataError } from "@/db/queries/errors";
import { createKeyword, deleteKeyword, listKeywords, setKeywordEnabled, updateKeyword } from "@/db/queries/keywords";
import type { Executor } from "@/db/schema";
import { fieldErrorsFrom, unauthorized, type ActionResult } from "@/lib/action-result";
import { getActionSession } from "@/lib/server/session";
import { getServerState } from "@/lib/server/state";
import { KEYWORD_MAX_LENGTH } from "./keyword-limits";

const keywordText = z.string().trim().min(1, "required").max(KEYWORD_MAX_LENGTH, "tooLong");
const keywordId = z.number().int().positive();

const createSchema = z.object({ keyword: keywordText, isEnabled: z.boolean().default(true) });
const updateSchema = z.object({ id: keywordId, keyword: keywordText });
const toggleSchema = z.object({ id: keywordId, isEnabled: z.boolean() });
const deleteSchema = z.object({ id: keywordId });

function toFailure(error: unknown): ActionResult {
  if (isDataError(error, "not_found")) return { ok: false, formError: "notFound" };
  if (isDataError(error, "invalid")) return { ok: false, formError: "invalid" };
  return { ok: false, formError: "unexpected" };
}

/** Matching ignores case, so "Quota" and "quota" are one keyword: refuse the second. */
async function isDuplicate(db: Executor, keyword: string, exceptId?: number): Promise<boolean> {
  const needle = keyword.toLowerCase();
  const existing = await listKeywords(db);
  return existing.some((row) => row.id !== exceptId && row.keyword.trim().toLowerCase() === needle);
}

async function afterWrite(): Promise<void> {
  await (await getServerState()).reloadConfig();
  revalidatePath("/[locale]/(dashboard)/keywords", "page");
}

export async function createKeywordAction(input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsed = createSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db } = await getServerState();
    if (await isDuplicate(db, parsed.data.keyword)) return { ok: false, fieldErrors: { keyword: "duplicateKeyword" } };
    await createKeyword(db, parsed.data);
    await afterWrite();
    return { ok: true };
  } catch (error) {
    return toFailure(error);
  }
}

export async function updateKeywordAction(input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsed = updateSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const { db } = await getServerState();
    if (await isDuplicate(db, parsed.data.keyword, parsed.data.id)) return { ok: false, fieldErrors: { keyword: "duplicateKeyword" } };
    await updateKeyword(db, parsed.data.id, { keyword: parsed.data.keyword });
    await afterWrite();
    return { ok: true };
  } catch (error) {
    return toFailure(error);
  }
}

export async function setKeywordEnabledAction(input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsed = toggleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, formError: "invalid" };
  try {
    await setKeywordEnabled((await getServerState()).db, parsed.data.id, parsed.data.isEnabled);
    await afterWrite();
    return { ok: true };
  } catch (error) {
    return toFailure(error);
  }
}

export async function deleteKeywordAction(input: unknown): Promise<ActionResult> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsed = deleteSchema.safeParse(input);
  if (!parsed.success) return { ok: false, formError: "invalid" };
  try {
    await deleteKeyword((await getServerState()).db, parsed.data.id);
    await afterWrite();
    return { ok: true };
  } catch (error) {
    return toFailure(error);
  }
}
