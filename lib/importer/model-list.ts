import { z } from "zod";

/** One model an endpoint lists: only what the importer shows or stores. */
export interface ListedModel {
  id: string;
  ownedBy: string | null;
  /** Epoch seconds, as OpenAI sends it. */
  created: number | null;
}

export interface ParsedModelList {
  /** Unique ids, sorted. */
  models: ListedModel[];
  /** Entries dropped: no usable id, a duplicate, or an id a provider could not use. */
  skippedEntries: number;
}

/** The longest upstream model id a provider stores. */
export const MAX_MODEL_ID_LENGTH = 200;

// OpenAI sends `{ object: "list", data: [...] }`; some servers send the bare array.
const listSchema = z.union([z.object({ data: z.array(z.unknown()) }), z.array(z.unknown())]);

// Vendors differ in the extras: `owned_by` and `created` may be missing, null or another type.
const entrySchema = z.object({
  id: z.string().trim().min(1).max(MAX_MODEL_ID_LENGTH),
  owned_by: z.string().max(200).nullish().catch(null),
  created: z.number().nullish().catch(null),
});

// The id travels as the `model` field upstream and is shown in the dashboard: no control characters.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Returns null when the body is not a model list at all. */
export function parseModelList(body: unknown): ParsedModelList | null {
  const list = listSchema.safeParse(body);
  if (!list.success) return null;
  const entries = Array.isArray(list.data) ? list.data : list.data.data;
  const byId = new Map<string, ListedModel>();
  let skippedEntries = 0;
  for (const entry of entries) {
    const parsed = entrySchema.safeParse(entry);
    if (!parsed.success || CONTROL_CHARACTERS.test(parsed.data.id) || byId.has(parsed.data.id)) {
      skippedEntries += 1;
      continue;
    }
    byId.set(parsed.data.id, {
      id: parsed.data.id,
      ownedBy: parsed.data.owned_by ?? null,
      created: parsed.data.created ?? null,
    });
  }
  const models = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { models, skippedEntries };
}
