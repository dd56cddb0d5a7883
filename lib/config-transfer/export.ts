import { getCredentialApiKey } from "../../db/queries/credentials";
import type { Executor } from "../../db/schema";
import type { SecretCipher } from "../../db/crypto";
import { readCurrentConfig, toIsoTime } from "./current";
import type { ConfigDocument } from "./document";
import { ConfigTransferError } from "./errors";
import { encryptSecrets, type DocumentSecrets } from "./secrets";

export interface ExportOptions {
  /** Provider keys (and the metrics token) go in only when asked, encrypted with `passphrase`. */
  includeSecrets?: boolean;
  passphrase?: string;
  now?: number;
}

/**
 * The whole configuration as a document; without secrets unless asked. The cipher (the
 * server's key, to decrypt stored provider keys) is only needed when secrets are included.
 */
export async function exportConfig(
  db: Executor,
  cipher: SecretCipher | null,
  options: ExportOptions = {},
): Promise<ConfigDocument> {
  if (options.includeSecrets && !options.passphrase) {
    throw new ConfigTransferError(
      "passphrase_required",
      "Including provider keys needs a passphrase to encrypt them with",
    );
  }
  if (options.includeSecrets && !cipher) throw new Error("Exporting provider keys needs the server's cipher");
  const current = await readCurrentConfig(db);
  const document: ConfigDocument = { ...current.document, exportedAt: toIsoTime(options.now ?? Date.now()) };
  if (!options.includeSecrets || !options.passphrase || !cipher) return orderKeys(document);

  const secrets: DocumentSecrets = { endpointKeys: {} };
  for (const [name, id] of current.ids.endpoints) {
    let key: string | undefined;
    try {
      key = await getCredentialApiKey(db, cipher, id);
    } catch (error) {
      throw new ConfigTransferError(
        "undecryptable_key",
        `The key of endpoint "${name}" cannot be decrypted with this server's encryption key`,
        { cause: error },
      );
    }
    if (key) secrets.endpointKeys[name] = key;
  }
  if (current.settings.metricsToken !== "") secrets.metricsToken = current.settings.metricsToken;
  return orderKeys({ ...document, secrets: await encryptSecrets(secrets, options.passphrase) });
}

/** Fields in reading order, so a document diffs well in git. */
function orderKeys(document: ConfigDocument): ConfigDocument {
  const { version, exportedAt, endpoints, providers, groups, keywords, settings, apiKeys, secrets } = document;
  return {
    version,
    exportedAt,
    endpoints,
    providers,
    groups,
    keywords,
    settings,
    apiKeys,
    ...(secrets ? { secrets } : {}),
  };
}

export function serializeConfigDocument(document: ConfigDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
