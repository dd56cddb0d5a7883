import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  randomInt,
  scrypt,
  timingSafeEqual,
} from "node:crypto";

/** Encrypts and decrypts provider keys at rest. */
export interface SecretCipher {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

const CIPHER_VERSION = "v1";

/**
 * AES-256-GCM with a random 96-bit nonce per value. The stored form is
 * `v1:<nonce b64>:<tag b64>:<ciphertext b64>`; a changed byte anywhere fails the tag check.
 */
export function createSecretCipher(key: Buffer): SecretCipher {
  if (key.length !== 32) throw new Error("The encryption key must be 32 bytes");
  return {
    encrypt(plaintext) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, nonce);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [CIPHER_VERSION, nonce.toString("base64"), tag.toString("base64"), body.toString("base64")].join(":");
    },
    decrypt(stored) {
      const [version, nonce, tag, body] = stored.split(":");
      if (version !== CIPHER_VERSION || !nonce || !tag || body === undefined) {
        throw new Error("Unrecognized encrypted value");
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
    },
  };
}

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A client API key: `sk-` and 48 characters from a uniform CSPRNG draw. */
export function generateApiKey(): string {
  let out = "sk-";
  for (let i = 0; i < 48; i += 1) out += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return out;
}

/** Keys are stored and looked up only by this hash; a fast hash is fine for 286 bits of entropy. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** What the dashboard shows of a key after creation. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 7);
}

const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 64, SCRYPT_PARAMS, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

/** A slow, salted password hash: `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const derived = await scryptAsync(password, salt);
  const { N, r, p } = SCRYPT_PARAMS;
  return ["scrypt", N, r, p, salt.toString("base64"), derived.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const derived = await scryptAsync(password, Buffer.from(parts[4]!, "base64"));
  const expected = Buffer.from(parts[5]!, "base64");
  return derived.length === expected.length && timingSafeEqual(derived, expected);
}
