import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { SecretCipher } from "../../db/crypto";
import type { CurrentConfig } from "./current";
import type { ConfigDocument } from "./document";
import type { DocumentSecrets } from "./secrets";

export type ConfigObjectKind = "endpoint" | "provider" | "group" | "keyword" | "setting" | "apiKey";
export type ChangeAction = "create" | "update" | "remove";

/** One line of the diff; `fields` names what an update changes (never a value: some are secret). */
export interface PlannedChange {
  kind: ConfigObjectKind;
  name: string;
  action: ChangeAction;
  fields: string[];
}

export interface ImportPlan {
  /** In the order they are applied. */
  changes: PlannedChange[];
  /** Objects the document does not list, left in place (without prune; API keys always). */
  kept: { kind: ConfigObjectKind; name: string }[];
  /** API key entries with no key of that name here: a key's secret cannot be imported. */
  skippedApiKeys: string[];
  prune: boolean;
}

export interface ApplyContext {
  trx: Transaction<Database>;
  cipher: SecretCipher;
  /** Name → id, filled in as objects are created. */
  endpointIds: Map<string, number>;
  providerIds: Map<string, number>;
  groupIds: Map<string, number>;
}

export interface ImportStep {
  change: PlannedChange;
  run(context: ApplyContext): Promise<void>;
}

export interface PlanInput {
  current: CurrentConfig;
  incoming: ConfigDocument;
  /** Decrypted `secrets` of the document, or null when it carries none. */
  secrets: DocumentSecrets | null;
  /** The stored keys of endpoints the document carries a key for (null: cannot be decrypted). */
  currentKeys: ReadonlyMap<string, string | null>;
  prune: boolean;
  /** Clear-text secrets of API keys by name, from an importer: such entries are created. */
  apiKeySecrets?: Readonly<Record<string, string>>;
}

export function idOf(ids: ReadonlyMap<string, number>, name: string): number {
  const id = ids.get(name);
  if (id === undefined) throw new Error(`Internal error: no id for "${name}"`);
  return id;
}

export function differentFields<T extends object>(a: T, b: T, keys: readonly (keyof T)[]): string[] {
  return keys.filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).map(String);
}

/** Collects the steps of an import in the order they run. */
export class PlanBuilder {
  readonly steps: ImportStep[] = [];
  readonly kept: ImportPlan["kept"] = [];

  constructor(private readonly prune: boolean) {}

  add(kind: ConfigObjectKind, name: string, action: ChangeAction, run: ImportStep["run"], fields: string[] = []): void {
    this.steps.push({ change: { kind, name, action, fields }, run });
  }

  /** Removes, or records as kept, what the document leaves out. */
  absent(kind: ConfigObjectKind, names: Iterable<string>, remove: (name: string) => ImportStep["run"]): void {
    for (const name of names) {
      if (this.prune) this.add(kind, name, "remove", remove(name));
      else this.kept.push({ kind, name });
    }
  }
}
