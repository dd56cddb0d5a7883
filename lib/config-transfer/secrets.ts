import { createCipheriv, createDecipheriv, randomBytes, scrypt } from "node:crypto";
import { z } from "zod";
import type { SecretsEnvelope } from "./document";
import { ConfigTransferError } from "./errors";

/**
 * What `secrets` holds once decrypted: provider keys by endpoint name, and the metrics token
 * when one is set. One encrypted blob, so the document does not even show which endpoints
 * carry a key.
 */
export interface DocumentSecrets {
  endpointKeys: Record<string, string>;
  metricsToken?: string;
}

const payloadSchema = z.strictObject({
  endpointKeys: z.record(z.string(), z.string().min(1).max(1_000)),
  metricsToken: z.string().max(256).optional(),
});

export const MIN_PASSPHRASE_LENGTH = 8;

/** scrypt cost for new exports: about 0.1 s and 32 MiB per try, on purpose. */
const KDF = { N: 32_768, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
/** Binds the ciphertext to this use: a blob from elsewhere fails the tag check. */
const ASSOCIATED_DATA = Buffer.from("ai-provider-api-server config secrets v1");

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; allow that and a margin (the document's N and r are bounded).
  const maxmem = 256 * params.N * params.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize("NFC"), salt, KEY_BYTES, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function encryptSecrets(secrets: DocumentSecrets, passphrase: string): Promise<SecretsEnvelope> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new ConfigTransferError(
      "weak_passphrase",
      `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long`,
    );
  }
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const key = await deriveKey(passphrase, salt, KDF);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(ASSOCIATED_DATA);
  const data = Buffer.concat([cipher.update(JSON.stringify(secrets), "utf8"), cipher.final()]);
  return {
    kdf: "scrypt",
    ...KDF,
    salt: salt.toString("base64"),
    cipher: "aes-256-gcm",
    nonce: nonce.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    data: data.toString("base64"),
  };
}

/** A wrong passphrase and a changed byte look the same to GCM: both fail cleanly here. */
export async function decryptSecrets(envelope: SecretsEnvelope, passphrase: string): Promise<DocumentSecrets> {
  const key = await deriveKey(passphrase, Buffer.from(envelope.salt, "base64"), envelope);
  let plaintext: string;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(envelope.nonce, "base64"));
    decipher.setAAD(ASSOCIATED_DATA);
    decipher.setAuthTag(Buffer.from(envelope.tag, "base64"));
    plaintext = Buffer.concat([decipher.update(Buffer.from(envelope.data, "base64")), decipher.final()]).toString(
      "utf8",
    );
  } catch (error) {
    throw new ConfigTransferError(
      "wrong_passphrase",
      "Cannot decrypt the provider keys: the passphrase is wrong or the document was altered",
      {
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(plaintext);
  } catch {
    json = null;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success)
    throw new ConfigTransferError("invalid_document", "The document's encrypted secrets have an unknown shape");
  return parsed.data;
}
