import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { decodeKey, type Env } from "./env";

/*
 * The secrets file, shared by the server (through lib/server/secrets.ts) and the CLI. No
 * `server-only` here: the CLI runs outside Next.js and must find the same key the server uses.
 */

export interface Secrets {
  authSecret: string;
  encryptionKey: Buffer;
}

const fileSchema = z.object({ authSecret: z.string().min(32), encryptionKey: z.string() });
export type SecretsFile = z.infer<typeof fileSchema>;

/**
 * Secrets come from the environment when given; otherwise they are generated on first
 * run and kept in SECRETS_FILE (mode 0600), so restarts keep sessions and can still
 * decrypt provider keys. Nothing secret is ever a constant in the code.
 */
export function loadSecrets(env: Env): Secrets {
  return secretsFrom(env, readOrCreateSecretsFile(env.SECRETS_FILE));
}

/** Like loadSecrets, but null instead of creating a missing file (for tools that must not invent a key). */
export function loadExistingSecrets(env: Env): Secrets | null {
  if (env.ENCRYPTION_KEY) {
    const encryptionKey = decodeKey(env.ENCRYPTION_KEY);
    if (!encryptionKey) throw new Error("Invalid ENCRYPTION_KEY");
    return { authSecret: env.AUTH_SECRET ?? "", encryptionKey };
  }
  const stored = readSecretsFile(env.SECRETS_FILE);
  return stored ? secretsFrom(env, stored) : null;
}

function secretsFrom(env: Env, stored: SecretsFile): Secrets {
  const encryptionKey = env.ENCRYPTION_KEY ? decodeKey(env.ENCRYPTION_KEY) : decodeKey(stored.encryptionKey);
  if (!encryptionKey) throw new Error(`Invalid encryption key in ${env.SECRETS_FILE}`);
  return { authSecret: env.AUTH_SECRET ?? stored.authSecret, encryptionKey };
}

export function readOrCreateSecretsFile(path: string): SecretsFile {
  const existing = readSecretsFile(path);
  if (existing) return existing;
  const fresh = { authSecret: randomBytes(32).toString("base64url"), encryptionKey: randomBytes(32).toString("hex") };
  try {
    // "wx" fails when another worker created the file first; then its values win.
    writeFileSync(path, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: "wx" });
    return fresh;
  } catch {
    const raced = readSecretsFile(path);
    if (raced) return raced;
    throw new Error(`Cannot create the secrets file ${path}`);
  }
}

export function readSecretsFile(path: string): SecretsFile | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`The secrets file ${path} is not valid; fix or remove it`);
  return parsed.data;
}
