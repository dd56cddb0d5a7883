import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../../..", import.meta.url).pathname;

/** The id of a server action in the current build (its server reference manifest). */
export function findActionId(file: string, exportedName: string): string {
  const manifestFile = join(root, process.env.NEXT_DIST_DIR || ".next", "server", "server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as {
    node?: Record<string, { filename?: string; exportedName?: string }>;
  };
  const found = Object.entries(manifest.node ?? {}).find(
    ([, entry]) => entry.filename === file && entry.exportedName === exportedName,
  );
  assert.ok(found, `${file}#${exportedName} is in the build's manifest`);
  return found[0];
}

export interface ActionOutcome {
  status: number;
  text: string;
  response: Response;
}

/**
 * Calls a form action the way React does: `fields` become the FormData argument (`$K1`),
 * preceded by `previousState` for actions used with useActionState.
 */
export async function callFormAction(
  baseUrl: string,
  page: string,
  actionId: string,
  fields: Record<string, string>,
  cookie: string,
  previousState?: unknown,
): Promise<ActionOutcome> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(`_1_${name}`, value);
  form.set("0", JSON.stringify(previousState === undefined ? ["$K1"] : [previousState, "$K1"]));
  const response = await fetch(`${baseUrl}${page}`, {
    method: "POST",
    redirect: "manual",
    headers: { "next-action": actionId, accept: "text/x-component", origin: baseUrl, cookie },
    body: form,
  });
  return { status: response.status, text: await response.text(), response };
}
