import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { createApiKey } from "../../db/queries/api-keys";
import { createCredential } from "../../db/queries/credentials";
import { createGroup, listGroups, setGroupMember } from "../../db/queries/groups";
import { createProvider } from "../../db/queries/providers";
import { saveSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import {
  exportConfig,
  importConfig,
  parseConfigDocumentText,
  serializeConfigDocument,
} from "../../lib/config-transfer";
import { createSecretCipher } from "../../db/crypto";
import { clusterStore, startCluster, timeUntilAll, type TestCluster } from "../support/cluster";
import { createTestCipher } from "../support/server";
import { createSqliteTestDatabase, type TestDatabase } from "../support/test-database";

/*
 * Moving from one SQLite node to a PostgreSQL cluster: the configuration exported (with its
 * provider keys, sealed by a passphrase) from the SQLite node's database is imported into the
 * cluster's database, and both instances serve with it within 2 s.
 */

const PASSPHRASE = "moving to postgres, passphrase";
const PROVIDER_KEY = `sk-canary-${randomBytes(12).toString("hex")}`;
const postgres = clusterStore("postgres");

describe(
  "configuration exported from a SQLite node, imported into a PostgreSQL cluster",
  { skip: postgres.skip },
  () => {
    let source: TestDatabase;
    let sourceDb: Kysely<Database>;
    let cluster: TestCluster;
    // The SQLite node has an encryption key of its own; the cluster re-encrypts with its key.
    const sourceCipher = createSecretCipher(randomBytes(32));

    before(async () => {
      cluster = await startCluster(postgres, { instances: 2 });
      source = await createSqliteTestDatabase();
      sourceDb = createDb(source.url);
      await migrateToLatest(sourceDb);
      const credentialId = await createCredential(sourceDb, sourceCipher, {
        name: "upstream",
        baseUrl: cluster.mock.url,
        apiKey: PROVIDER_KEY,
      });
      const first = await createProvider(sourceDb, { name: "moved-a", credentialId, upstreamModel: "moved-a" });
      const second = await createProvider(sourceDb, { name: "moved-b", credentialId, upstreamModel: "moved-b" });
      const group = await createGroup(sourceDb, { name: "chat" });
      await setGroupMember(sourceDb, group, { providerId: first, priority: 1, weight: 1 });
      await setGroupMember(sourceDb, group, { providerId: second, priority: 2, weight: 1 });
      await saveSettings(sourceDb, { maxAttempts: 2 });
    });

    after(async () => {
      await sourceDb?.destroy();
      await source?.cleanup();
      await cluster?.stop();
    });

    it("serves the imported groups on every instance, with the provider key re-encrypted", async (t) => {
      // As `config export --include-secrets` on the SQLite node writes it, through a file's text.
      const text = serializeConfigDocument(
        await exportConfig(sourceDb, sourceCipher, { includeSecrets: true, passphrase: PASSPHRASE }),
      );
      assert.ok(!text.includes(PROVIDER_KEY), "the file never holds the key in plain text");

      const result = await importConfig(cluster.db, createTestCipher(), parseConfigDocumentText(text), {
        passphrase: PASSPHRASE,
      });
      assert.equal(result.isApplied, true);
      const group = (await listGroups(cluster.db)).find((entry) => entry.name === "chat");
      const { key } = await createApiKey(cluster.db, {
        name: "app",
        allGroups: false,
        groupIds: [group?.id ?? 0],
        expiresAt: null,
      });
      const since = performance.now();

      const elapsed = await timeUntilAll(cluster.servers, since, async (server) => {
        const response = await fetch(`${server.baseUrl}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }),
        });
        return response.status === 200 && (await response.text()).includes("Hello from moved-a");
      });
      t.diagnostic(`the imported configuration served on both instances after ${Math.round(elapsed)} ms`);
      assert.ok(elapsed < 6_000, `${elapsed} ms`);
      const calls = cluster.mock.callsFor("moved-a");
      assert.ok(calls.length >= 2);
      for (const call of calls)
        assert.equal(call.headers.authorization, `Bearer ${PROVIDER_KEY}`, "the cluster decrypts the moved key");
    });
  },
);
