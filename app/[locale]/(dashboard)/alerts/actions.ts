"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAlertTarget, deleteAlertTarget, getAlertTarget, updateAlertTarget } from "@/db/queries/alerts";
import type { ActionResult } from "@/lib/action-result";
import type { DeliveryResult } from "@/lib/alerts/dispatcher";
import { invalidFields, invalidInput, runAdminAction } from "@/app/_framework/admin-action";
import type { ServerState } from "@/lib/server/state";
import { targetSchema } from "./target-input";

const targetId = z.number().int().positive();
/** On edit an empty URL keeps the stored one, which the page never sends to the browser. */
const updateSchema = targetSchema.extend({
  id: targetId,
  url: z.preprocess((value) => (value === "" ? undefined : value), targetSchema.shape.url.optional()),
});
const idSchema = z.object({ id: targetId });

async function applied(state: ServerState): Promise<ActionResult> {
  await state.reloadConfig();
  revalidatePath("/[locale]/(dashboard)/alerts", "page");
  return { ok: true };
}

export async function createAlertTargetAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsed = targetSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    await createAlertTarget(state.db, state.cipher, { ...parsed.data, secret: parsed.data.secret ?? null });
    return applied(state);
  });
}

export async function updateAlertTargetAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsed = updateSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    const { id, ...target } = parsed.data;
    await updateAlertTarget(state.db, state.cipher, id, target);
    return applied(state);
  });
}

export async function deleteAlertTargetAction(input: unknown): Promise<ActionResult> {
  return runAdminAction(async (state) => {
    const parsed = idSchema.safeParse(input);
    if (!parsed.success) return invalidInput;
    await deleteAlertTarget(state.db, parsed.data.id);
    return applied(state);
  });
}

/** Sends a `test` alert to one target now (no dedupe, no retry) and says how it went. */
export async function testAlertTargetAction(input: unknown): Promise<ActionResult<DeliveryResult>> {
  return runAdminAction(async (state) => {
    const parsed = idSchema.safeParse(input);
    if (!parsed.success) return invalidInput;
    const target = await getAlertTarget(state.db, state.cipher, parsed.data.id);
    const at = Date.now();
    const result = await state.alerts.dispatcher.sendTest(target, {
      event: "test",
      severity: "info",
      key: `test:${target.id}:${at}`,
      summary: `Test alert for target "${target.name}"`,
      details: { target: target.name },
      at,
    });
    return { ok: true, data: result };
  });
}
