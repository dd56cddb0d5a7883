import { getConfigVersion } from "../../db/queries/config-state";
import { getCredentialApiKey } from "../../db/queries/credentials";
import { withTransaction } from "../../db/dialect";
import type { Executor } from "../../db/schema";
import type { SecretCipher } from "../../db/crypto";
import { readCurrentConfig, type CurrentConfig } from "./current";
import type { ConfigDocument } from "./document";
import { ConfigTransferError } from "./errors";
import { planImport, type ApplyContext, type ImportPlan } from "./plan";
import { decryptSecrets, type DocumentSecrets } from "./secrets";

export interface ImportOptions {
  /** Needed when the document carries encrypted provider keys. */
  passphrase?: string;
  /** Also remove providers, endpoints, groups and keywords the document does not list. */
  prune?: boolean;
  /** Compute the plan only; nothing is written. */
  dryRun?: boolean;
  /** Provider keys given in the clear by an importer, instead of the document's `secrets`. */
  secrets?: DocumentSecrets;
  /** Clear-text API keys by entry name (an importer's): entries with no key here create one. */
  apiKeySecrets?: Readonly<Record<string, string>>;
}

export interface ImportResult {
  plan: ImportPlan;
  isApplied: boolean;
  /** The configuration version after the import (unchanged by a dry run or an empty plan). */
  configVersion: number;
}

async function openSecrets(document: ConfigDocument, passphrase: string | undefined): Promise<DocumentSecrets | null> {
  if (!document.secrets) return null;
  if (!passphrase) {
    throw new ConfigTransferError(
      "passphrase_required",
      "The document carries encrypted provider keys: give the passphrase it was exported with",
    );
  }
  return decryptSecrets(document.secrets, passphrase);
}

/** The stored keys of the endpoints the document brings a key for, to tell whether it changes. */
async function readStoredKeys(
  db: Executor,
  cipher: SecretCipher,
  current: CurrentConfig,
  secrets: DocumentSecrets | null,
): Promise<Map<string, string | null>> {
  const keys = new Map<string, string | null>();
  if (!secrets) return keys;
  for (const name of Object.keys(secrets.endpointKeys)) {
    const id = current.ids.endpoints.get(name);
    if (id === undefined) continue;
    try {
      keys.set(name, (await getCredentialApiKey(db, cipher, id)) ?? null);
    } catch {
      // Not decryptable with this server's key: the document's key replaces it.
      keys.set(name, null);
    }
  }
  return keys;
}

/** Stands in when no cipher was given: only a document with provider keys needs one. */
const noCipher: SecretCipher = {
  encrypt: () => {
    throw new Error("Importing provider keys needs the server's cipher");
  },
  decrypt: () => {
    throw new Error("Importing provider keys needs the server's cipher");
  },
};

/**
 * Applies a document in one transaction, matching everything by name: what is missing is
 * created, what differs is updated, and with `prune` what the document leaves out is removed.
 * A dry run returns the same plan and writes nothing. Every write bumps the config version, so
 * running gateways reload within a second. The cipher (the server's key) is needed only for a
 * document that carries provider keys.
 */
export async function importConfig(
  db: Executor,
  givenCipher: SecretCipher | null,
  document: ConfigDocument,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const cipher = givenCipher ?? noCipher;
  // Decrypting is slow on purpose (scrypt): done before any transaction is open.
  const secrets = options.secrets ?? (await openSecrets(document, options.passphrase));
  const prune = options.prune ?? false;
  const apiKeySecrets = options.apiKeySecrets;

  if (options.dryRun) {
    const current = await readCurrentConfig(db);
    const currentKeys = await readStoredKeys(db, cipher, current, secrets);
    const { plan } = planImport({ current, incoming: document, secrets, currentKeys, prune, apiKeySecrets });
    return { plan, isApplied: false, configVersion: await getConfigVersion(db) };
  }

  return withTransaction(db, async (trx) => {
    const current = await readCurrentConfig(trx);
    const currentKeys = await readStoredKeys(trx, cipher, current, secrets);
    const { plan, steps } = planImport({ current, incoming: document, secrets, currentKeys, prune, apiKeySecrets });
    const context: ApplyContext = {
      trx,
      cipher,
      endpointIds: new Map(current.ids.endpoints),
      providerIds: new Map(current.ids.providers),
      groupIds: new Map(current.ids.groups),
    };
    for (const step of steps) await step.run(context);
    return { plan, isApplied: steps.length > 0, configVersion: await getConfigVersion(trx) };
  });
}
