import "server-only";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { decodeKey, type Env } from "../env";

export interface Secrets {
  authSecret: string;
  encryptionKey: Buffer;
}

const fileSchema = z.object({ authSecret: z.string().min(32), encryptionKey: z.string() });

/**
 * Secrets come from the environment when given; otherwise they are generated on first
 * run and kept in SECRETS_FILE (mode 0600), so restarts keep sessions and can still
 * decrypt provider keys. Nothing secret is ever a constant in the code.
 */
export function loadSecrets(env: Env): Secrets {
  const stored = readOrCreateSecretsFile(env.SECRETS_FILE);
  const encryptionKey = env.ENCRYPTION_KEY ? decodeKey(env.ENCRYPTION_KEY) : decodeKey(stored.encryptionKey);
  if (!encryptionKey) throw new Error(`Invalid encryption key in ${env.SECRETS_FILE}`);
  return { authSecret: env.AUTH_SECRET ?? stored.authSecret, encryptionKey };
}

function readOrCreateSecretsFile(path: string): z.infer<typeof fileSchema> {
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

function readSecretsFile(path: string): z.infer<typeof fileSchema> | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`The secrets file ${path} is not valid; fix or remove it`);
  return parsed.data;
}
