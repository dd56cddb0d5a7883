"use server";

import { invalidFields, runAdminAction } from "@/app/_framework/admin-action";
import type { ActionResult } from "@/lib/action-result";
import { discoverLocalServers, type LocalServer } from "@/lib/importer/discover";
import { scanSchema } from "./discover-schema";

/*
 * The importer's "Local servers" scan: the server probes the usual local ports and the
 * addresses the admin added, through the one outbound client. Like fetching models, it
 * runs only behind the admin session.
 */

export async function scanLocalServersAction(input: unknown): Promise<ActionResult<LocalServer[]>> {
  return runAdminAction(async (state) => {
    const parsed = scanSchema.safeParse(input);
    if (!parsed.success) return invalidFields(parsed.error);
    const report = await discoverLocalServers(state.outbound.getJson, { urls: parsed.data.urls });
    return { ok: true, data: report.found };
  });
}
