import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createDb } from "../../db/client";
import { getSettings, saveSettings } from "../../db/queries/settings";
import { startTestServer, type TestServer } from "../support/server";
import type { TestDatabase } from "../support/test-database";
import { SQLITE_ONLY, createServerDatabase } from "../support/test-store";

const root = new URL("../..", import.meta.url).pathname;

describe("foundation over HTTP", () => {
  let server: TestServer;
  // Our own folder, so the restart below finds the same database and secrets.
  const dataDir = mkdtempSync(join(tmpdir(), "aps-foundation-"));

  let database: TestDatabase | undefined;

  before(async () => {
    database = await createServerDatabase(dataDir);
    server = await startTestServer({ dataDir, databaseUrl: database.url });
  });

  after(async () => {
    await server?.stop();
    await database?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates the SQLite file on first start, in WAL mode", { skip: SQLITE_ONLY }, () => {
    assert.ok(existsSync(server.databaseUrl), "database file exists");
    assert.ok(existsSync(`${server.databaseUrl}-wal`) || existsSync(`${server.databaseUrl}-shm`), "WAL files exist");
  });

  it("redirects / to the best locale from Accept-Language", async () => {
    const response = await fetch(`${server.baseUrl}/`, {
      redirect: "manual",
      headers: { "accept-language": "ja,en;q=0.5" },
    });
    assert.ok([307, 308].includes(response.status));
    assert.equal(new URL(response.headers.get("location") ?? "", server.baseUrl).pathname, "/ja");
  });

  it("falls back to English for an unknown language", async () => {
    const response = await fetch(`${server.baseUrl}/`, { redirect: "manual", headers: { "accept-language": "fr-FR" } });
    assert.equal(new URL(response.headers.get("location") ?? "", server.baseUrl).pathname, "/en");
  });

  it("sends a signed-out visitor of the dashboard to the login page", async () => {
    const response = await fetch(`${server.baseUrl}/zh`, { redirect: "manual" });
    assert.ok([303, 307, 308].includes(response.status));
    assert.equal(new URL(response.headers.get("location") ?? "", server.baseUrl).pathname, "/zh/login");
  });

  it("serves the login page in every locale", async () => {
    const titles = { en: "Sign in", zh: "登录", ja: "ログイン", ko: "로그인" };
    for (const [locale, title] of Object.entries(titles)) {
      const response = await fetch(`${server.baseUrl}/${locale}/login`);
      assert.equal(response.status, 200);
      const html = await response.text();
      assert.ok(html.includes(`lang="${locale}"`));
      assert.ok(html.includes(title), `${locale} login page shows ${title}`);
    }
  });

  it("leaves /v1 alone: /v1/models answers 401 JSON, not a locale redirect", async () => {
    const response = await fetch(`${server.baseUrl}/v1/models`, { redirect: "manual" });
    assert.equal(response.status, 401);
    assert.match(response.headers.get("content-type") ?? "", /application\/json/);
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, "invalid_api_key");
  });

  it("answers an unknown /v1 path with a 404 in OpenAI's error shape", async () => {
    const response = await fetch(`${server.baseUrl}/v1/batches`, { method: "POST", body: "{}" });
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: { message: string; type: string; param: null; code: string } };
    assert.equal(body.error.code, "route_not_found");
    assert.equal(body.error.type, "invalid_request_error");
    assert.equal(body.error.param, null);
    assert.match(body.error.message, /^Unknown API route: POST \/v1\/batches\. This gateway serves /);
    assert.doesNotMatch(body.error.message, /does not exist|access to it/, "not reported as a model problem");
  });

  it("answers /api/health without authentication", async () => {
    const response = await fetch(`${server.baseUrl}/api/health`);
    assert.deepEqual(await response.json(), { status: "ok" });
  });

  it("keeps saved settings across a restart", async () => {
    const databaseUrl = server.databaseUrl;
    const db = createDb(databaseUrl);
    await saveSettings(db, { maxAttempts: 7, logRetentionDays: 90 });
    await db.destroy();

    const exitCode = await server.stop();
    assert.equal(exitCode, 0, "SIGTERM exits 0");
    server = await startTestServer({ databaseUrl, dataDir });

    const reopened = createDb(databaseUrl);
    const settings = await getSettings(reopened);
    await reopened.destroy();
    assert.equal(settings.maxAttempts, 7);
    assert.equal(settings.logRetentionDays, 90);
    assert.equal(settings.failoverThreshold, 3, "untouched settings keep their defaults");
  });
});

describe("npm start", () => {
  it("stops at once with one line naming a bad DATABASE_URL", () => {
    const result = spawnSync(process.execPath, [join(root, "scripts", "start.mjs")], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", DATABASE_URL: "mysql://root@localhost/db" },
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Invalid DATABASE_URL: expected sqlite:/);
  });

  it("does not rebuild when nothing changed since the last build", async () => {
    const { computeSourceHash } = (await import(join(root, "scripts", "build-state.mjs"))) as {
      computeSourceHash(root: string): string;
    };
    const stamp = readFileSync(join(root, process.env.NEXT_DIST_DIR || ".next", "source-hash"), "utf8");
    assert.equal(stamp, computeSourceHash(root));
  });
});
