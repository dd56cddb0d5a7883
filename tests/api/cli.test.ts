import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { listApiKeys } from "../../db/queries/api-keys";
import { countCallLogs, insertCallLogs } from "../../db/queries/call-logs";
import { loadConfigSnapshot } from "../../lib/server/config-snapshot";
import { createCredential, getCredentialApiKey, listCredentials } from "../../db/queries/credentials";
import { createGroup, setGroupMember } from "../../db/queries/groups";
import { createKeyword } from "../../db/queries/keywords";
import { createProvider } from "../../db/queries/providers";
import { saveSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import { createSecretCipher, hashApiKey } from "../../db/crypto";
import { readSecretsFile } from "../../lib/secrets-file";
import { makeRecord } from "../db/call-log-records";
import { startMockProvider, type MockProvider } from "../support/mock-provider";
import { TEST_ENCRYPTION_KEY, createTestCipher } from "../support/server";
import type { TestDatabase } from "../support/test-database";
import { createServerDatabase } from "../support/test-store";
import { runCli, type CliRun } from "../support/cli-runner";

const root = new URL("../..", import.meta.url).pathname;
const PROVIDER_KEY = "sk-canary-cli-0123456789abcdef";
const PASSPHRASE = "a passphrase for the cli test";
const DAY_MS = 86_400_000;

const cli = runCli;

/** A failure is exactly one line on stderr, starting with "error:". */
function assertOneLineError(run: CliRun, code: number, pattern: RegExp): void {
  assert.equal(run.code, code, `exit code (stderr: ${run.stderr})`);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line: ${run.stderr}`);
  assert.match(lines[0] ?? "", /^error: /);
  assert.match(lines[0] ?? "", pattern);
}

describe("the CLI against a temporary database", () => {
  let dir: string;
  let databases: TestDatabase[] = [];
  let mock: MockProvider;
  let db: Kysely<Database>;
  let env: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "aps-cli-"));
    mock = await startMockProvider();
    databases = [await createServerDatabase(dir, "main"), await createServerDatabase(dir, "fresh")];
    env = {
      DATABASE_URL: databases[0]?.url ?? "",
      SECRETS_FILE: join(dir, "secrets.json"),
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    };
    db = createDb(env.DATABASE_URL);
    await migrateToLatest(db);
    const endpoint = await createCredential(db, createTestCipher(), {
      name: "mock",
      baseUrl: mock.url,
      apiKey: PROVIDER_KEY,
    });
    const good = await createProvider(db, {
      name: "cli-good",
      credentialId: endpoint,
      upstreamModel: "cli-good",
      priceInput: 1,
      priceOutput: 2,
    });
    const bad = await createProvider(db, { name: "cli-bad", credentialId: endpoint, upstreamModel: "cli-bad" });
    const anthropic = await createCredential(db, createTestCipher(), {
      name: "mock-anthropic",
      baseUrl: mock.url,
      apiKey: PROVIDER_KEY,
      protocol: "anthropic",
    });
    await createProvider(db, { name: "cli-claude", credentialId: anthropic, upstreamModel: "cli-claude" });
    const chat = await createGroup(db, { name: "chat", description: "CLI test" });
    await setGroupMember(db, chat, { providerId: good, priority: 1, weight: 1 });
    await setGroupMember(db, chat, { providerId: bad, priority: 2, weight: 1 });
    await createGroup(db, { name: "other" });
    await createKeyword(db, { keyword: "overloaded" });
    await saveSettings(db, { maxAttempts: 4, metricsToken: "cli-metrics-token" });
    mock.setBehavior("cli-bad", { status: 503, error: { message: "upstream is overloaded" } });
  });

  after(async () => {
    await db?.destroy();
    await mock?.close();
    for (const database of databases) await database.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs through `npm run cli` and documents every command with --help", async () => {
    const npm = await new Promise<CliRun>((resolve) => {
      const child = spawn("npm", ["run", "-s", "cli", "--", "--help"], { cwd: root, env: { ...process.env, ...env } });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.on("close", (code) => resolve({ code, stdout, stderr: "" }));
    });
    assert.equal(npm.code, 0);
    const commands = [
      "config export",
      "config import",
      "keys create",
      "keys list",
      "keys revoke",
      "providers test",
      "logs prune",
      "rollups rebuild",
    ];
    for (const command of commands) assert.ok(npm.stdout.includes(command), `main help lists ${command}`);
    for (const command of commands) {
      const help = await cli([...command.split(" "), "--help"], env);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: npm run cli -- ${command}`));
      assert.match(help.stdout, /Options:\n/);
    }
  });

  it("refuses an unknown command, a bad option and a bad DATABASE_URL with one line", async () => {
    assertOneLineError(await cli(["frobnicate", "now"], env), 2, /Unknown command "frobnicate now"/);
    assertOneLineError(await cli(["keys", "lst"], env), 2, /did you mean keys create or keys list or keys revoke/);
    assertOneLineError(await cli(["keys", "list", "--bogus"], env), 2, /Unknown option '--bogus'/);
    assertOneLineError(
      await cli(["keys", "list"], { ...env, DATABASE_URL: "mysql://root@localhost/db" }),
      1,
      /Invalid DATABASE_URL/,
    );
  });

  it("keys create prints a working key once; keys list shows it; keys revoke removes it", async () => {
    const created = await cli(
      ["keys", "create", "--name", "backend", "--groups", "chat,other", "--expires", "30d"],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^sk-[A-Za-z0-9]{48}\n$/, "the key alone on stdout");
    const key = created.stdout.trim();
    assert.match(created.stderr, /Created API key "backend"/);
    const snapshot = await loadConfigSnapshot(db, createTestCipher());
    const stored = snapshot.keysByHash.get(hashApiKey(key));
    assert.ok(stored, "the gateway finds the printed key by its hash");
    assert.equal(stored.name, "backend");
    assert.equal(stored.groupIds.size, 2);
    assert.ok(Math.abs((stored.expiresAt ?? 0) - (Date.now() + 30 * DAY_MS)) < 60_000, "expires in 30 days");

    const list = await cli(["keys", "list"], env);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^ID\s+NAME\s+PREFIX\s+STATE\s+GROUPS\s+EXPIRES\s+LAST USED/);
    assert.match(list.stdout, new RegExp(`backend\\s+${key.slice(0, 7)}…\\s+enabled\\s+chat,other`));
    assert.ok(!list.stdout.includes(key), "the key is never shown again");
    const json = JSON.parse((await cli(["keys", "list", "--json"], env)).stdout) as {
      name: string;
      groups: string[];
    }[];
    assert.deepEqual(
      json.map((row) => [row.name, row.groups]),
      [["backend", ["chat", "other"]]],
    );

    assertOneLineError(
      await cli(["keys", "create", "--name", "x", "--groups", "nope"], env),
      1,
      /No group named "nope"/,
    );
    assertOneLineError(
      await cli(["keys", "create", "--name", "x", "--groups", "chat", "--all-groups"], env),
      2,
      /either --groups/,
    );
    assertOneLineError(
      await cli(["keys", "create", "--name", "x", "--all-groups", "--expires", "yesterday"], env),
      2,
      /--expires yesterday/,
    );

    const revoked = await cli(["keys", "revoke", "backend"], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /Revoked API key "backend"/);
    const after = await loadConfigSnapshot(db, createTestCipher());
    assert.equal(after.keysByHash.get(hashApiKey(key)), undefined, "the revoked key no longer authenticates");
    assertOneLineError(await cli(["keys", "revoke", "backend"], env), 1, /No API key with the name or id "backend"/);
  });

  it("keys create sets limits and budgets; keys list shows them with the spend so far", async () => {
    const created = await cli(
      ["keys", "create", "--name", "team", "--all-groups", "--rpm", "60", "--tpm", "9000", "--budget-month", "25.5"],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /limits 60 rpm, 9000 tpm, \$25\.5\/month/);
    const stored = (await loadConfigSnapshot(db, createTestCipher())).keysByHash.get(hashApiKey(created.stdout.trim()));
    assert.deepEqual(stored?.limits, {
      rpm: 60,
      tpm: 9000,
      maxConcurrent: null,
      budgetDay: null,
      budgetMonth: 25.5,
      budgetTotal: null,
    });
    await db
      .insertInto("usage_daily")
      .values({
        day_start: Math.floor(Date.now() / DAY_MS) * DAY_MS,
        group_name: "chat",
        provider_name: "p",
        api_key_id: stored!.id,
        cost: 1.25,
      })
      .execute();
    const list = await cli(["keys", "list"], env);
    assert.match(list.stdout, /LIMITS\s+SPEND/);
    assert.match(list.stdout, /team .*60 rpm, 9000 tpm, \$25\.5\/month\s+\$1\.25 today, \$1\.25 month, \$1\.25 total/);
    const json = JSON.parse((await cli(["keys", "list", "--json"], env)).stdout) as { name: string; spend: unknown }[];
    assert.deepEqual(json.find((row) => row.name === "team")?.spend, { day: 1.25, month: 1.25, total: 1.25 });
    for (const [flag, value] of [
      ["--rpm", "0"],
      ["--tpm", "1.5"],
      ["--concurrency", "many"],
      ["--budget-day", "0"],
    ] as const)
      assertOneLineError(
        await cli(["keys", "create", "--name", "x", "--all-groups", flag, value], env),
        2,
        new RegExp(flag),
      );
    assert.equal((await cli(["keys", "revoke", "team"], env)).code, 0);
  });

  it("keys revoke refuses a shared name and takes an id", async () => {
    for (let i = 0; i < 2; i += 1)
      assert.equal((await cli(["keys", "create", "--name", "twin", "--all-groups"], env)).code, 0);
    assertOneLineError(await cli(["keys", "revoke", "twin"], env), 1, /2 keys are named "twin".*revoke one by id/);
    const [first] = (await listApiKeys(db)).filter((key) => key.name === "twin");
    assert.equal((await cli(["keys", "revoke", String(first?.id)], env)).code, 0);
    assert.equal((await cli(["keys", "revoke", "twin"], env)).code, 0);
    assert.equal((await listApiKeys(db)).filter((key) => key.name === "twin").length, 0);
  });

  it("providers test sends the test request through the upstream path and exits 1 on a failure", async () => {
    const all = await cli(["providers", "test"], env);
    assert.equal(all.code, 1, all.stderr);
    assert.match(all.stdout, /^ok\s+cli-good\s+openai\s+200\s+\d+ ms/m);
    assert.match(all.stdout, /^FAIL\s+cli-bad\s+openai\s+503\s+\d+ ms\s+httpError: upstream is overloaded/m);
    assert.match(all.stdout, /^ok\s+cli-claude\s+anthropic\s+200\s+\d+ ms/m);
    const claude = mock.calls.find((entry) => entry.model === "cli-claude");
    assert.deepEqual([claude?.path, claude?.headers["x-api-key"]], ["/v1/messages", PROVIDER_KEY]);
    assert.ok(!all.stdout.includes(PROVIDER_KEY));
    const call = mock.calls.find((entry) => entry.model === "cli-good");
    assert.equal(call?.headers.authorization, `Bearer ${PROVIDER_KEY}`, "sent with the provider's key");

    const one = await cli(["providers", "test", "cli-good", "--json"], env);
    assert.equal(one.code, 0, one.stderr);
    const [result] = JSON.parse(one.stdout) as { name: string; protocol: string; isOk: boolean; status: number }[];
    assert.deepEqual([result?.name, result?.protocol, result?.isOk, result?.status], ["cli-good", "openai", true, 200]);
    assertOneLineError(await cli(["providers", "test", "missing"], env), 1, /No provider named "missing"/);
  });

  it("config export → import into a fresh database (a new secrets file) round-trips, with a dry run first", async () => {
    const file = join(dir, "config.json");
    const withSecrets = await cli(
      ["config", "export", "--include-secrets", "--passphrase-env", "CONFIG_PASSPHRASE", "--out", file],
      { ...env, CONFIG_PASSPHRASE: PASSPHRASE },
    );
    assert.equal(withSecrets.code, 0, withSecrets.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600, "a file with secrets is private");
    const text = readFileSync(file, "utf8");
    for (const secret of [PROVIDER_KEY, "cli-metrics-token"])
      assert.ok(!text.includes(secret), `no plaintext ${secret}`);

    const plain = await cli(["config", "export"], env);
    assert.equal(plain.code, 0);
    assert.equal(JSON.parse(plain.stdout).secrets, undefined);
    assert.ok(!plain.stdout.includes("canary"));

    // A new deployment: another database, no ENCRYPTION_KEY and no secrets file yet.
    const fresh = {
      DATABASE_URL: databases[1]?.url ?? "",
      SECRETS_FILE: join(dir, "fresh-secrets.json"),
      CONFIG_PASSPHRASE: PASSPHRASE,
    };
    const dry = await cli(["config", "import", file, "--dry-run", "--passphrase-env", "CONFIG_PASSPHRASE"], fresh);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Dry run: would create 8, update 2, remove 0/);
    assert.match(dry.stdout, /\+ endpoint mock/);
    assert.match(dry.stdout, /~ setting metricsToken/);
    assert.match(dry.stdout, /Nothing was changed \(dry run\)/);
    const freshDb = createDb(fresh.DATABASE_URL);
    try {
      assert.equal((await listCredentials(freshDb)).length, 0, "the dry run wrote nothing");

      assertOneLineError(
        await cli(["config", "import", file, "--passphrase-env", "WRONG"], { ...fresh, WRONG: "not the passphrase" }),
        1,
        /passphrase is wrong/,
      );
      assertOneLineError(await cli(["config", "import", file], fresh), 1, /give the passphrase/);

      const applied = await cli(["config", "import", file, "--passphrase-env", "CONFIG_PASSPHRASE"], fresh);
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /Applied 10 changes; configuration version \d+/);
      const secrets = readSecretsFile(fresh.SECRETS_FILE);
      assert.ok(secrets, "the fresh deployment's secrets file was created, as the server would");
      const endpoints = await listCredentials(freshDb);
      const endpoint = endpoints.find((entry) => entry.name === "mock");
      assert.equal(endpoints.find((entry) => entry.name === "mock-anthropic")?.protocol, "anthropic");
      const cipher = createSecretCipher(Buffer.from(secrets.encryptionKey, "hex"));
      assert.equal(
        await getCredentialApiKey(freshDb, cipher, endpoint?.id ?? 0),
        PROVIDER_KEY,
        "re-encrypted with the new key",
      );

      const exportedAgain = await cli(["config", "export"], fresh);
      const strip = (json: string) => {
        const { exportedAt: _at, ...rest } = JSON.parse(json) as Record<string, unknown>;
        return rest;
      };
      assert.deepEqual(strip(exportedAgain.stdout), strip(plain.stdout));

      // Through stdin, and as JSON: the same document again changes nothing.
      const again = await cli(["config", "import", "-", "--json"], fresh, plain.stdout);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout).plan.changes, []);
    } finally {
      await freshDb.destroy();
    }
    assertOneLineError(
      await cli(["config", "import", join(dir, "missing.json")], env),
      2,
      /Cannot read .*missing\.json \(ENOENT\)/,
    );
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ version: 1, providers: [{ name: "p", endpoint: "nowhere", upstreamModel: "m" }] }),
    );
    assertOneLineError(
      await cli(["config", "import", join(dir, "bad.json")], env),
      1,
      /providers\[0\]\.endpoint: no endpoint named "nowhere"/,
    );
  });

  it("refuses to invent an encryption key for a database that already holds provider keys", async () => {
    const run = await cli(["providers", "test"], {
      DATABASE_URL: env.DATABASE_URL ?? "",
      SECRETS_FILE: join(dir, "elsewhere.json"),
    });
    assertOneLineError(run, 1, /No encryption key: set ENCRYPTION_KEY/);
    const wrong = await cli(["providers", "test"], { ...env, ENCRYPTION_KEY: "b".repeat(64) });
    assertOneLineError(wrong, 1, /not the one this database's provider keys were encrypted with/);
  });

  it("logs prune deletes rows past the retention setting; rollups rebuild recomputes the charts' rollups", async () => {
    await saveSettings(db, { logRetentionDays: 30, bodyRetentionDays: 7 });
    const now = Date.now();
    await insertCallLogs(db, [
      makeRecord({ requestId: "req_old_1", createdAt: now - 40 * DAY_MS }),
      makeRecord({ requestId: "req_old_2", createdAt: now - 31 * DAY_MS }),
      makeRecord({ requestId: "req_new_1", createdAt: now - 2 * DAY_MS, requestBody: "{}", responseBody: "{}" }),
      makeRecord({ requestId: "req_new_2", createdAt: now - 10 * DAY_MS, requestBody: "{}", responseBody: "{}" }),
    ]);
    const pruned = await cli(["logs", "prune"], env);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, /^Deleted 2 log rows older than 30 days .* and 1 stored bodies/);
    assert.equal(await countCallLogs(db), 2);

    const rollups = () =>
      db
        .selectFrom("usage_hourly")
        .select((eb) => eb.fn.sum<number>("requests").as("n"))
        .executeTakeFirstOrThrow();
    const before = Number((await rollups()).n);
    await db.deleteFrom("usage_hourly").execute();
    const rebuilt = await cli(["rollups", "rebuild", "--from", new Date(now - 20 * DAY_MS).toISOString()], env);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, /^Rebuilt \d+ hours .*: 2 rollup rows/);
    assert.equal(Number((await rollups()).n), 2, `the two remaining rows are counted again (before: ${before})`);
    assertOneLineError(await cli(["rollups", "rebuild", "--from", "last week"], env), 2, /--from last week/);
  });
});
