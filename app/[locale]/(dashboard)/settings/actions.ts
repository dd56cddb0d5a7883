"use server";

import { revalidatePath } from "next/cache";
import { isDataError } from "@/db/queries/errors";
import { saveSettings } from "@/db/queries/settings";
import { fieldErrorsFrom, unauthorized, type ActionResult } from "@/lib/action-result";
import { getActionSession } from "@/lib/server/session";
import { getServerState } from "@/lib/server/state";
import { settingsFormSchema, toSettingsPatch } from "./settings-input";

/** What the page may know about the metrics token after a save: only whether one is set. */
export interface SavedSettingsInfo {
  hasMetricsToken: boolean;
  /** The zone as stored: its canonical IANA spelling. */
  timeZone: string;
}

export async function saveSettingsAction(input: unknown): Promise<ActionResult<SavedSettingsInfo>> {
  const session = await getActionSession();
  if (!session) return unauthorized;
  const parsed = settingsFormSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  try {
    const state = await getServerState();
    const saved = await saveSettings(state.db, toSettingsPatch(parsed.data));
    // The gateway reads the new timeouts, thresholds and limits from the next request on.
    await state.reloadConfig();
    revalidatePath("/[locale]/(dashboard)/settings", "page");
    return { ok: true, data: { hasMetricsToken: saved.metricsToken !== "", timeZone: saved.timeZone } };
  } catch (error) {
    if (isDataError(error, "invalid")) return { ok: false, formError: "invalid" };
    return { ok: false, formError: "unexpected" };
  }
}
