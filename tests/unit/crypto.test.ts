import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import {
  apiKeyPrefix,
  createSecretCipher,
  generateApiKey,
  hashApiKey,
  hashPassword,
  verifyPassword,
} from "../../db/crypto";

describe("secret cipher (AES-256-GCM)", () => {
  const cipher = createSecretCipher(randomBytes(32));

  it("round-trips a provider key", () => {
    const stored = cipher.encrypt("sk-upstream-canary-123");
    assert.ok(!stored.includes("canary"));
    assert.equal(cipher.decrypt(stored), "sk-upstream-canary-123");
  });

  it("uses a fresh nonce for every value", () => {
    assert.notEqual(cipher.encrypt("same"), cipher.encrypt("same"));
  });

  it("detects a tampered ciphertext", () => {
    const [version, nonce, tag, body] = cipher.encrypt("secret value").split(":");
    const flipped = Buffer.from(body!, "base64");
    flipped[0] = flipped[0]! ^ 1;
    assert.throws(() => cipher.decrypt([version, nonce, tag, flipped.toString("base64")].join(":")));
  });

  it("refuses a value encrypted with another key", () => {
    const other = createSecretCipher(randomBytes(32));
    assert.throws(() => cipher.decrypt(other.encrypt("x")));
  });

  it("refuses a key that is not 32 bytes", () => {
    assert.throws(() => createSecretCipher(randomBytes(16)));
  });
});

describe("api keys", () => {
  it("are sk- and 48 characters, each different", () => {
    const first = generateApiKey();
    assert.match(first, /^sk-[A-Za-z0-9]{48}$/);
    assert.notEqual(first, generateApiKey());
  });

  it("hash to a stable sha-256 hex and show a short prefix", () => {
    assert.equal(hashApiKey("sk-a"), hashApiKey("sk-a"));
    assert.match(hashApiKey("sk-a"), /^[0-9a-f]{64}$/);
    assert.equal(apiKeyPrefix("sk-abcdefgh"), "sk-abcd");
  });
});

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse");
    assert.match(stored, /^scrypt\$/);
    assert.equal(await verifyPassword("correct horse", stored), true);
    assert.equal(await verifyPassword("wrong horse", stored), false);
    assert.equal(await verifyPassword("x", "garbage"), false);
  });
});
