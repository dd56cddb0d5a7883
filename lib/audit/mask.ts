/*
 * What the audit log never stores in the clear: any field or header whose name ends in a
 * secret word (apiKey, metricsToken, x-api-key, authorization, …). The last word decides, so
 * firstTokenTimeoutMs stays readable while metricsToken does not.
 */

const SECRET_WORDS = new Set([
  "key",
  "apikey",
  "secret",
  "token",
  "password",
  "passphrase",
  "hash",
  "authorization",
  "auth",
  "cookie",
  "signature",
]);

export const MASKED = "••••";

function lastWord(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "");
  return (words.at(-1) ?? "").toLowerCase();
}

export function isSecretName(name: string): boolean {
  return SECRET_WORDS.has(lastWord(name));
}

/** An empty secret stays empty, so "set" and "cleared" can still be told apart. */
function maskSecret(value: unknown): unknown {
  return value === null || value === undefined || value === "" ? value : MASKED;
}

/** The value with every secret-named property (at any depth) masked. */
export function maskSecrets(name: string, value: unknown): unknown {
  if (isSecretName(name)) return maskSecret(value);
  if (Array.isArray(value)) return value.map((item) => maskSecrets("", item));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, maskSecrets(key, inner)]));
  }
  return value;
}
