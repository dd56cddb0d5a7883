import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { ZodError } from "zod";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { getCredentialApiKey, listCredentials } from "../../db/queries/credentials";
import { ensureDefaultSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import { createSecretCipher, type SecretCipher } from "../../db/crypto";
import { describeEnvError, parseEnv, type Env } from "../../lib/env";
import { loadExistingSecrets, loadSecrets } from "../../lib/secrets-file";
import { CliError } from "./output";

/**
 * What every command gets: the environment read as the server reads it, and the database
 * and the provider-key cipher opened on first use (a command that needs neither opens neither).
 */
export interface CliContext {
  env(): Env;
  /** Opened and migrated to the latest schema, once. */
  db(): Promise<Kysely<Database>>;
  /** The server's encryption key, checked against a stored provider key. */
  cipher(): Promise<SecretCipher>;
  stdout(text: string): void;
  stderr(text: string): void;
  close(): Promise<void>;
}

const root = new URL("../..", import.meta.url).pathname;

/** `.env` of the project, like scripts/server.mjs; variables already set win. */
export function loadDotEnv(): void {
  const file = join(root, ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}

export function createCliContext(): CliContext {
  let env: Env | undefined;
  let db: Promise<Kysely<Database>> | undefined;
  let cipher: Promise<SecretCipher> | undefined;
  let opened: Kysely<Database> | undefined;

  const readEnv = (): Env => {
    try {
      env ??= parseEnv(process.env);
      return env;
    } catch (error) {
      throw error instanceof ZodError ? new CliError(describeEnvError(error)) : error;
    }
  };

  const openDb = async (): Promise<Kysely<Database>> => {
    opened = createDb(readEnv().DATABASE_URL);
    await migrateToLatest(opened);
    await ensureDefaultSettings(opened);
    return opened;
  };

  return {
    env: readEnv,
    db: () => (db ??= openDb()),
    cipher: () => (cipher ??= openCipher(readEnv(), () => (db ??= openDb()))),
    stdout: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    close: async () => {
      await opened?.destroy();
    },
  };
}

/**
 * The key the server encrypts provider keys with. Unlike the server, a missing secrets file
 * is created only for a database holding no provider key yet: inventing a new key for one
 * that has keys (the CLI run from the wrong folder) would write keys the server cannot read.
 */
async function openCipher(env: Env, openDb: () => Promise<Kysely<Database>>): Promise<SecretCipher> {
  const db = await openDb();
  const credentials = await listCredentials(db);
  let secrets = loadExistingSecrets(env);
  if (!secrets && credentials.length > 0) {
    throw new CliError(
      `No encryption key: set ENCRYPTION_KEY, or SECRETS_FILE to the server's secrets file (${env.SECRETS_FILE} does not exist here)`,
    );
  }
  secrets ??= loadSecrets(env);
  const cipher = createSecretCipher(secrets.encryptionKey);
  const sample = credentials[0];
  if (sample) {
    try {
      await getCredentialApiKey(db, cipher, sample.id);
    } catch {
      throw new CliError(
        "The encryption key (ENCRYPTION_KEY or SECRETS_FILE) is not the one this database's provider keys were encrypted with",
      );
    }
  }
  return cipher;
}
