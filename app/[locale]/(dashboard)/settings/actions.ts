"use server";

import { revalidatePath } from "next/cache";
import { saveSettings } from "@/db/queries/settings";
import type { ActionResult } from "@/lib/action-result";
import { invalidFields, runAdminAction } from "@/app/_framework/admin-action";
import { settingsFormSchema, toSettingsPatch } from "./settings-input";

/** What the page may know about the metrics token after a save: only whether one is set. */
export interface SavedSettingsInfo {
  hasMetricsToken: boolean;
  /** The zone as stored: its canonical IANA spelling. */
  timeZone: string;
}

export async function saveSettingsAction(input: unknown): Promise<ActionResult<SavedSettingsInfo>> {
  return runAdminAction(async (state) => {
    const parsed = settingsFormSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    const saved = await saveSettings(state.db, toSettingsPatch(parsed.data));
    // The gateway reads the new timeouts, thresholds and limits from the next request on.
    await state.reloadConfig();
    revalidatePath("/[locale]/(dashboard)/settings", "page");
    return { ok: true, data: { hasMetricsToken: saved.metricsToken !== "", timeZone: saved.timeZone } };
  });
}
