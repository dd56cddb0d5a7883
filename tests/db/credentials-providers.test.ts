import assert from "node:assert/strict";
import { it } from "node:test";
import { getConfigVersion } from "../../db/queries/config-state";
import {
  countProvidersByCredential,
  createCredential,
  deleteCredential,
  getCredential,
  getCredentialApiKey,
  listCredentials,
  updateCredential,
} from "../../db/queries/credentials";
import { isDataError } from "../../db/queries/errors";
import {
  createProvider,
  deleteProvider,
  findProviderByName,
  getProvider,
  listProviders,
  setProviderEnabled,
  updateProvider,
} from "../../db/queries/providers";
import { createSecretCipher } from "../../db/crypto";
import { describeEachDatabase } from "../support/test-database";

const cipher = createSecretCipher(Buffer.alloc(32, 7));
const KEY = "sk-upstream-0123456789abcd";

describeEachDatabase("endpoint credentials", (context) => {
  it("stores the key encrypted, the URL without trailing slash, and lists only a hint", async () => {
    const id = await createCredential(context.db, cipher, {
      name: "OpenRouter",
      baseUrl: "https://or.example/v1//",
      apiKey: KEY,
    });
    const stored = await context.db.selectFrom("endpoint_credentials").selectAll().executeTakeFirstOrThrow();
    assert.notEqual(stored.api_key_encrypted, KEY);
    assert.ok(!stored.api_key_encrypted.includes("0123456789"));
    const [listed] = await listCredentials(context.db);
    assert.deepEqual(
      {
        id: listed?.id,
        name: listed?.name,
        baseUrl: listed?.baseUrl,
        keyHint: listed?.keyHint,
        providerCount: listed?.providerCount,
      },
      { id, name: "OpenRouter", baseUrl: "https://or.example/v1", keyHint: "••••abcd", providerCount: 0 },
    );
    assert.ok(!JSON.stringify(listed).includes("0123456789"), "no key material in the listing");
    assert.equal(await getCredentialApiKey(context.db, cipher, id), KEY);
  });

  it("keeps the old key when the update leaves it empty, replaces it otherwise", async () => {
    const id = await createCredential(context.db, cipher, { name: "A", baseUrl: "https://a/v1", apiKey: KEY });
    await updateCredential(context.db, cipher, id, { name: "A2", apiKey: "" });
    await updateCredential(context.db, cipher, id, { baseUrl: "https://b/v1/" });
    assert.equal(await getCredentialApiKey(context.db, cipher, id), KEY);
    const renamed = await getCredential(context.db, id);
    assert.equal(renamed?.name, "A2");
    assert.equal(renamed?.baseUrl, "https://b/v1");
    await updateCredential(context.db, cipher, id, { apiKey: "sk-rotated-key-9999wxyz" });
    assert.equal(await getCredentialApiKey(context.db, cipher, id), "sk-rotated-key-9999wxyz");
    assert.equal((await getCredential(context.db, id))?.keyHint, "••••wxyz");
  });

  it("refuses a duplicate name with a conflict error", async () => {
    await createCredential(context.db, cipher, { name: "Same", baseUrl: "https://a/v1", apiKey: KEY });
    await assert.rejects(
      createCredential(context.db, cipher, { name: "Same", baseUrl: "https://b/v1", apiKey: KEY }),
      (error: unknown) => isDataError(error, "conflict"),
    );
  });

  it("refuses to delete a credential providers use, and deletes it once they are gone", async () => {
    const id = await createCredential(context.db, cipher, { name: "Shared", baseUrl: "https://a/v1", apiKey: KEY });
    const providerId = await createProvider(context.db, { name: "p1", credentialId: id, upstreamModel: "m1" });
    await createProvider(context.db, { name: "p2", credentialId: id, upstreamModel: "m2" });
    assert.equal(await countProvidersByCredential(context.db, id), 2);
    assert.equal((await getCredential(context.db, id))?.providerCount, 2);
    await assert.rejects(deleteCredential(context.db, id), (error: unknown) => isDataError(error, "in_use"));
    await deleteProvider(context.db, providerId);
    await deleteProvider(context.db, (await findProviderByName(context.db, "p2"))?.id ?? -1);
    await deleteCredential(context.db, id);
    assert.equal(await getCredential(context.db, id), undefined);
    await assert.rejects(deleteCredential(context.db, id), (error: unknown) => isDataError(error, "not_found"));
  });

  it("bumps the config version on every write", async () => {
    const start = await getConfigVersion(context.db);
    const id = await createCredential(context.db, cipher, { name: "V", baseUrl: "https://a/v1", apiKey: KEY });
    await updateCredential(context.db, cipher, id, { name: "V2" });
    await deleteCredential(context.db, id);
    assert.equal(await getConfigVersion(context.db), start + 3);
  });
});

describeEachDatabase("providers", (context) => {
  async function credential(): Promise<number> {
    return createCredential(context.db, cipher, { name: "Endpoint", baseUrl: "https://host/v1", apiKey: KEY });
  }

  it("creates a provider with defaults and lists it joined with its endpoint, without the key", async () => {
    const credentialId = await credential();
    const id = await createProvider(context.db, { name: "gpt-4o@host", credentialId, upstreamModel: "gpt-4o" });
    const provider = await getProvider(context.db, id);
    assert.ok(provider);
    assert.equal(provider.credentialName, "Endpoint");
    assert.equal(provider.baseUrl, "https://host/v1");
    assert.equal(provider.isEnabled, true);
    assert.equal(provider.priceInput, 0);
    assert.equal(provider.connectTimeoutMs, null);
    assert.deepEqual(provider.extraHeaders, {});
    assert.ok(!JSON.stringify(await listProviders(context.db)).includes("upstream-0123"));
  });

  it("updates every field, toggles enabled, and finds by name", async () => {
    const credentialId = await credential();
    const id = await createProvider(context.db, {
      name: "p",
      credentialId,
      upstreamModel: "m",
      priceInput: 2.5,
      priceOutput: 10,
      priceCached: 1.25,
      totalTimeoutMs: 60_000,
      extraHeaders: { "X-Title": "gateway" },
    });
    await updateProvider(context.db, id, {
      upstreamModel: "m2",
      priceOutput: 12,
      connectTimeoutMs: 2_000,
      totalTimeoutMs: null,
    });
    await setProviderEnabled(context.db, id, false);
    const provider = await findProviderByName(context.db, "p");
    assert.equal(provider?.upstreamModel, "m2");
    assert.equal(provider?.priceInput, 2.5);
    assert.equal(provider?.priceOutput, 12);
    assert.equal(provider?.priceCached, 1.25);
    assert.equal(provider?.connectTimeoutMs, 2_000);
    assert.equal(provider?.totalTimeoutMs, null);
    assert.equal(provider?.isEnabled, false);
    assert.deepEqual(provider?.extraHeaders, { "X-Title": "gateway" });
    assert.equal(await findProviderByName(context.db, "nope"), undefined);
  });

  it("maps a duplicate name to conflict, an unknown endpoint to in_use and a missing id to not_found", async () => {
    const credentialId = await credential();
    await createProvider(context.db, { name: "dup", credentialId, upstreamModel: "m" });
    await assert.rejects(
      createProvider(context.db, { name: "dup", credentialId, upstreamModel: "m" }),
      (error: unknown) => isDataError(error, "conflict"),
    );
    await assert.rejects(
      createProvider(context.db, { name: "x", credentialId: 999, upstreamModel: "m" }),
      (error: unknown) => isDataError(error, "in_use"),
    );
    await assert.rejects(updateProvider(context.db, 999, { upstreamModel: "m" }), (error: unknown) =>
      isDataError(error, "not_found"),
    );
  });

  it("bumps the config version on create, update, enable and delete", async () => {
    const credentialId = await credential();
    const start = await getConfigVersion(context.db);
    const id = await createProvider(context.db, { name: "p", credentialId, upstreamModel: "m" });
    await updateProvider(context.db, id, { priceInput: 1 });
    await setProviderEnabled(context.db, id, false);
    await deleteProvider(context.db, id);
    assert.equal(await getConfigVersion(context.db), start + 4);
  });
});
