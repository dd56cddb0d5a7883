import type { Migration } from "kysely";
import * as initial from "./2026_11_26_0001_initial";

/**
 * Every migration by name, listed statically: the Next.js server bundle cannot read a
 * migrations folder at runtime. Names are date-prefixed so they sort in the order they run.
 * Add new files here; never edit one that has shipped.
 */
export const migrations: Record<string, Migration> = {
  "2026_11_26_0001_initial": initial,
};
