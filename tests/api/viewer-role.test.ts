import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sql, type Kysely } from "kysely";
import { createDb } from "../../db/client";
import { hashPassword } from "../../db/crypto";
import { createAdminUser } from "../../db/queries/admin-users";
import { createAlertTarget } from "../../db/queries/alerts";
import { createKeyword } from "../../db/queries/keywords";
import { saveSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import { createTestCipher, startTestServer, type TestServer } from "../support/server";

/**
 * A viewer may look but never write: every server action the build knows of (from the
 * server reference manifest) is called with a viewer's real session cookie and must answer
 * `forbidden`, leaving the configuration untouched. The list below names each one, so a
 * new action fails this test until someone decides what a viewer may do with it.
 */

const root = new URL("../..", import.meta.url).pathname;
const distDir = process.env.NEXT_DIST_DIR || ".next";
const VIEWER_PASSWORD = "viewer-password-1";
const METRICS_TOKEN = "prom-viewer-canary-token-123";
const WEBHOOK_SECRET_PATH = "T000/B000/viewer-canary-webhook-token";

/** Every write action of the dashboard, refused for a viewer. */
const WRITE_ACTIONS = [
  "app/[locale]/(dashboard)/alerts/actions.ts#createAlertTargetAction",
  "app/[locale]/(dashboard)/alerts/actions.ts#deleteAlertTargetAction",
  "app/[locale]/(dashboard)/alerts/actions.ts#testAlertTargetAction",
  "app/[locale]/(dashboard)/alerts/actions.ts#updateAlertTargetAction",
  "app/[locale]/(dashboard)/config/actions.ts#applyImportAction",
  "app/[locale]/(dashboard)/config/actions.ts#exportConfigAction",
  "app/[locale]/(dashboard)/config/actions.ts#previewImportAction",
  "app/[locale]/(dashboard)/config/source-actions.ts#applySourceImportAction",
  "app/[locale]/(dashboard)/config/source-actions.ts#previewSourceImportAction",
  "app/[locale]/(dashboard)/credentials/actions.ts#createCredentialAction",
  "app/[locale]/(dashboard)/credentials/actions.ts#deleteCredentialAction",
  "app/[locale]/(dashboard)/credentials/actions.ts#updateCredentialAction",
  "app/[locale]/(dashboard)/groups/actions.ts#createGroupAction",
  "app/[locale]/(dashboard)/groups/actions.ts#deleteGroupAction",
  "app/[locale]/(dashboard)/groups/actions.ts#removeGroupMemberAction",
  "app/[locale]/(dashboard)/groups/actions.ts#setGroupMemberAction",
  "app/[locale]/(dashboard)/groups/actions.ts#updateGroupAction",
  "app/[locale]/(dashboard)/import/actions.ts#fetchModelsAction",
  "app/[locale]/(dashboard)/import/actions.ts#importModelsAction",
  "app/[locale]/(dashboard)/import/discover-action.ts#scanLocalServersAction",
  "app/[locale]/(dashboard)/keys/actions.ts#createApiKeyAction",
  "app/[locale]/(dashboard)/keys/actions.ts#deleteApiKeyAction",
  "app/[locale]/(dashboard)/keys/actions.ts#setApiKeyEnabledAction",
  "app/[locale]/(dashboard)/keys/actions.ts#updateApiKeyAction",
  "app/[locale]/(dashboard)/keywords/actions.ts#createKeywordAction",
  "app/[locale]/(dashboard)/keywords/actions.ts#deleteKeywordAction",
  "app/[locale]/(dashboard)/keywords/actions.ts#setKeywordEnabledAction",
  "app/[locale]/(dashboard)/keywords/actions.ts#updateKeywordAction",
  "app/[locale]/(dashboard)/providers/actions.ts#createProviderAction",
  "app/[locale]/(dashboard)/providers/actions.ts#deleteProviderAction",
  "app/[locale]/(dashboard)/providers/actions.ts#setProviderEnabledAction",
  "app/[locale]/(dashboard)/providers/actions.ts#testProviderAction",
  "app/[locale]/(dashboard)/providers/actions.ts#updateProviderAction",
  "app/[locale]/(dashboard)/settings/actions.ts#saveSettingsAction",
  "app/[locale]/(dashboard)/users/actions.ts#createUserAction",
  "app/[locale]/(dashboard)/users/actions.ts#removeUserAction",
  "app/[locale]/(dashboard)/users/actions.ts#setUserRoleAction",
];
/** Open to every signed-in role: they concern only the caller's own session or sign-in. */
const SELF_SERVICE_ACTIONS = [
  "app/[locale]/(dashboard)/actions.ts#logoutAction",
  "app/[locale]/change-password/actions.ts#changePasswordAction",
  "app/[locale]/login/actions.ts#loginAction",
];

interface ServerAction {
  id: string;
  key: string;
  /** A dashboard page whose bundle holds the action (Next forwards an action posted elsewhere). */
  page: string;
}

/** `app/[locale]/(dashboard)/keywords/page` → `/en/keywords`; dynamic segments get a plausible id. */
function pageUrl(worker: string): string | null {
  if (!worker.startsWith("app/") || !worker.endsWith("/page")) return null;
  const segments = worker
    .slice("app/".length, -"/page".length)
    .split("/")
    .filter((segment) => segment !== "" && !/^\(.*\)$/.test(segment))
    .map((segment) =>
      segment === "[locale]" ? "en" : segment.startsWith("[[...") ? "" : segment.startsWith("[") ? "1" : segment,
    );
  return `/${segments.filter(Boolean).join("/")}`;
}

function readServerActions(): ServerAction[] {
  const file = join(root, distDir, "server", "server-reference-manifest.json");
  assert.ok(existsSync(file), `no server reference manifest at ${file}: build first`);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as {
    node?: Record<string, { filename?: string; exportedName?: string; workers?: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node ?? {}).map(([id, entry]) => ({
    id,
    key: `${entry.filename ?? "?"}#${entry.exportedName ?? "?"}`,
    page:
      Object.keys(entry.workers ?? {})
        .map(pageUrl)
        .find((url): url is string => url !== null) ?? "/en/settings",
  }));
}

async function callAction(baseUrl: string, action: ServerAction, cookie: string, body: string): Promise<string> {
  const response = await fetch(`${baseUrl}${action.page}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "next-action": action.id,
      accept: "text/x-component",
      "content-type": "text/plain",
      origin: baseUrl,
      cookie,
    },
    body,
  });
  return response.text();
}

/** The action's return value in a flight response: row 0 names the row that holds it. */
function actionResult(text: string): string {
  const reference = /^0:\{"a":"\$@([0-9a-f]+)"/m.exec(text)?.[1];
  if (reference === undefined) return text.slice(0, 200);
  return new RegExp(`^${reference}:(.*)$`, "m").exec(text)?.[1] ?? "";
}

/** Signs in through the login action's form encoding and returns the session cookie. */
async function signInAs(baseUrl: string, loginId: string, username: string, password: string): Promise<string> {
  const form = new FormData();
  form.set("_1_username", username);
  form.set("_1_password", password);
  form.set("_1_locale", "en");
  form.set("0", '[{"error":null},"$K1"]');
  const response = await fetch(`${baseUrl}/en/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "next-action": loginId, accept: "text/x-component", origin: baseUrl },
    body: form,
  });
  const cookie = /(?:__Secure-)?authjs\.session-token=[^;]+/.exec(response.headers.getSetCookie().join("\n"))?.[0];
  assert.ok(cookie, `${username} signs in`);
  return cookie;
}

async function snapshot(db: Kysely<Database>): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of [
    "providers",
    "endpoint_credentials",
    "model_groups",
    "api_keys",
    "failure_keywords",
    "settings",
    "admin_users",
    "audit_log",
  ]) {
    out[table] = (await sql`select * from ${sql.table(table)} order by 1`.execute(db)).rows;
  }
  return out;
}

describe("a viewer is refused on every write", () => {
  let server: TestServer;
  let db: Kysely<Database>;
  let actions: ServerAction[];
  let viewerCookie: string;

  before(async () => {
    actions = readServerActions();
    server = await startTestServer({ env: { ADMIN_PASSWORD: "owner-password-1" } });
    db = createDb(server.databaseUrl);
    await createKeyword(db, { keyword: "viewer-canary" });
    await saveSettings(db, { metricsToken: METRICS_TOKEN });
    await createAlertTarget(db, createTestCipher(), {
      name: "team-slack",
      kind: "slack",
      url: `https://hooks.slack.example/services/${WEBHOOK_SECRET_PATH}`,
      events: ["breaker_opened"],
      isEnabled: true,
    });
    await createAdminUser(db, {
      username: "vera",
      role: "viewer",
      provider: "local",
      passwordHash: await hashPassword(VIEWER_PASSWORD),
    });
    const login = actions.find((action) => action.key.endsWith("#loginAction"));
    assert.ok(login);
    viewerCookie = await signInAs(server.baseUrl, login.id, "vera", VIEWER_PASSWORD);
  });

  after(async () => {
    await db?.destroy();
    await server?.stop();
  });

  it("the list above names every action in the build", () => {
    const known = new Set([...WRITE_ACTIONS, ...SELF_SERVICE_ACTIONS]);
    const unlisted = actions.map((action) => action.key).filter((key) => !known.has(key));
    assert.deepEqual(unlisted, [], "every action is listed as a write or as self-service");
    for (const key of WRITE_ACTIONS)
      assert.ok(
        actions.some((action) => action.key === key),
        `${key} is in the build`,
      );
  });

  it("answers forbidden to each write action and changes nothing", async () => {
    const before = await snapshot(db);
    const failures: string[] = [];
    for (const key of WRITE_ACTIONS) {
      const action = actions.find((candidate) => candidate.key === key);
      assert.ok(action);
      for (const body of ["[]", JSON.stringify([{ id: 1, name: "viewer-was-here", keyword: "x", role: "owner" }])]) {
        const result = actionResult(await callAction(server.baseUrl, action, viewerCookie, body));
        if (!/"formError":"forbidden"/.test(result)) failures.push(`${key} with ${body}: ${result.slice(0, 200)}`);
      }
    }
    console.log(`Refused for a viewer: ${WRITE_ACTIONS.length} write actions`);
    assert.deepEqual(failures, []);
    assert.deepEqual(await snapshot(db), before, "no row changed");
  });

  it("lets the viewer read the dashboards and logs, but not use the playground or see secrets", async () => {
    for (const path of ["/en", "/en/logs", "/en/providers", "/en/settings", "/en/audit", "/en/alerts"]) {
      const response = await fetch(`${server.baseUrl}${path}`, {
        redirect: "manual",
        headers: { cookie: viewerCookie },
      });
      assert.equal(response.status, 200, `${path} opens for a viewer`);
      const text = await response.text();
      assert.ok(!text.includes(METRICS_TOKEN), `${path} never shows the metrics token`);
      assert.ok(!text.includes(WEBHOOK_SECRET_PATH), `${path} never shows a webhook URL's secret path`);
    }
    const users = await fetch(`${server.baseUrl}/en/users`, { headers: { cookie: viewerCookie } });
    assert.match(await users.text(), /Only an owner can manage users/);
    const playground = await fetch(`${server.baseUrl}/api/playground`, {
      method: "POST",
      headers: { cookie: viewerCookie, "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ group: "x", messages: [] }),
    });
    assert.equal(playground.status, 403);
    const logs = await fetch(`${server.baseUrl}/api/logs/export`, { headers: { cookie: viewerCookie } });
    assert.equal(logs.status, 200, "a viewer may export logs");
  });

  it("ends the viewer's session when the user is removed", async () => {
    await db.deleteFrom("admin_users").where("username", "=", "vera").execute();
    const response = await fetch(`${server.baseUrl}/en/logs`, {
      redirect: "manual",
      headers: { cookie: viewerCookie },
    });
    assert.ok([302, 303, 307].includes(response.status), `redirected (status ${response.status})`);
    assert.match(response.headers.get("location") ?? "", /\/en\/login/);
  });
});
