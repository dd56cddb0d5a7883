import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import type { Browser, Page } from "playwright-core";
import { createDb } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { createApiKey, listApiKeys, setApiKeyEnabled } from "../../db/queries/api-keys";
import { createCredential } from "../../db/queries/credentials";
import { createGroup, listGroups, setGroupMember } from "../../db/queries/groups";
import { createProvider, setProviderEnabled } from "../../db/queries/providers";
import type { Database } from "../../db/schema";
import { launchBrowser, signIn, watchPage, screenshotDir, assertTranslated } from "../support/browser";
import { startMockProvider, type MockProvider } from "../support/mock-provider";
import { createTestCipher, startTestServer, type TestServer } from "../support/server";
import type { TestDatabase } from "../support/test-database";
import { createServerDatabase } from "../support/test-store";

const NAMESPACES = ["Groups", "ApiKeys", "Errors", "Common", "Nav"];

const screenshots = screenshotDir;
const locales = ["en", "zh", "ja", "ko"] as const;
const PASSWORD = "test-password-1";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Action ids of one actions.ts file, by exported name, from the build's server-reference manifest. */
function actionIds(file: string): Map<string, string> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const manifestPath = new URL(`../../${distDir}/server/server-reference-manifest.json`, import.meta.url);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const ids = new Map<string, string>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (entry.filename === file && entry.exportedName) ids.set(entry.exportedName, id);
  }
  return ids;
}

const titles = {
  groups: { en: "Groups", zh: "分组", ja: "グループ", ko: "그룹" },
  keys: { en: "API keys", zh: "API 密钥", ja: "API キー", ko: "API 키" },
} as const;

/** No message id (`Groups.title`) or next-intl fallback marker may reach the page. */
async function shoot(
  page: Page,
  baseUrl: string,
  section: "groups" | "keys",
  locale: (typeof locales)[number],
  file = `${section}-${locale}`,
): Promise<void> {
  await page.goto(`${baseUrl}/${locale}/${section}`);
  await page.getByRole("heading", { level: 1, name: titles[section][locale] }).waitFor();
  await assertTranslated(page, file, NAMESPACES);
  await page.screenshot({ path: `${screenshots}${file}.png`, fullPage: true });
}

describe("groups and API keys in the browser", () => {
  let mock: MockProvider;
  let server: TestServer;
  let browser: Browser;
  let db: Kysely<Database>;
  let dataDir: string;
  let database: TestDatabase | undefined;
  const providerIds: Record<"alpha" | "beta" | "legacy", number> = { alpha: 0, beta: 0, legacy: 0 };

  before(async () => {
    mock = await startMockProvider();
    dataDir = mkdtempSync(join(tmpdir(), "aps-groups-keys-"));
    database = await createServerDatabase(dataDir);
    const databaseUrl = database.url;
    db = createDb(databaseUrl);
    await migrateToLatest(db);
    // Seeded before the server starts, as an operator's existing providers.
    const credentialId = await createCredential(db, createTestCipher(), {
      name: "Mock endpoint",
      baseUrl: mock.url,
      apiKey: "sk-canary-groups-keys-provider-key",
    });
    providerIds.alpha = await createProvider(db, { name: "Alpha", credentialId, upstreamModel: "up-alpha" });
    providerIds.beta = await createProvider(db, { name: "Beta", credentialId, upstreamModel: "up-beta" });
    providerIds.legacy = await createProvider(db, {
      name: "Legacy",
      credentialId,
      upstreamModel: "up-legacy",
      isEnabled: false,
    });
    server = await startTestServer({ databaseUrl, dataDir, env: { ADMIN_PASSWORD: PASSWORD } });
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await db?.destroy();
    await mock?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function chat(
    key: string,
    model = "chat-main",
  ): Promise<{
    status: number;
    body: { choices?: { message: { content: string } }[]; error?: { code: string | null } };
  }> {
    const response = await fetch(`${server.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "Say hello" }] }),
    });
    return { status: response.status, body: await response.json() };
  }

  it("builds a group, issues a key shown once, fails over when a provider is disabled and refuses the revoked key", async (t) => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
      permissions: ["clipboard-read", "clipboard-write"],
    });
    const page = await context.newPage();
    const watcher = watchPage(page);
    await signIn(page, server.baseUrl, "admin", PASSWORD);

    // ── Groups ──
    await page.goto(`${server.baseUrl}/en/groups`);
    await page.getByTestId("empty-state").getByText("No groups yet").waitFor();

    await page.getByTestId("new-group").click();
    await page.fill("#field-name", " chat-main");
    await page.getByTestId("group-submit").click();
    await page.getByTestId("error-name").getByText("Remove the spaces at the start or end.").waitFor();
    await page.fill("#field-name", "chat-main");
    await page.getByTestId("group-submit").click();
    const card = page.locator('[data-testid="group-card"][data-group-name="chat-main"]');
    await card.waitFor();
    await page.getByTestId("toast-success").getByText("Group chat-main created.").waitFor();
    await card.getByTestId("no-members").waitFor();
    assert.equal(
      await card.getByTestId("routing-sentence").innerText(),
      "No enabled provider: every request to this group fails.",
    );

    const addMember = async (provider: string, priority: string, weight: string) => {
      await card.getByTestId("add-member-provider").selectOption({ label: provider });
      await card.getByTestId("add-member-priority").fill(priority);
      await card.getByTestId("add-member-weight").fill(weight);
      await card.getByTestId("add-member-submit").click();
    };
    await addMember("Alpha", "1", "1");
    await card.locator('[data-testid="member-row"][data-provider-name="Alpha"]').waitFor();

    // Priority and weight are whole numbers from 1, with translated errors.
    await addMember("Beta", "2", "0");
    await card.getByTestId("add-member-weight-error").getByText("Outside the allowed range.").waitFor();
    await addMember("Beta", "1.5", "1");
    await card.getByTestId("add-member-priority-error").getByText("Enter a whole number.").waitFor();
    await addMember("Beta", "2", "1");
    await card.locator('[data-testid="member-row"][data-provider-name="Beta"]').waitFor();
    await addMember("Legacy (disabled)", "2", "1");
    const legacyRow = card.locator('[data-testid="member-row"][data-provider-name="Legacy"]');
    await legacyRow.waitFor();
    await legacyRow.getByTestId("member-disabled").getByText("disabled").waitFor();

    // Routing order, and a sentence that leaves the disabled provider out.
    assert.deepEqual(
      await card
        .getByTestId("member-row")
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-provider-name"))),
      ["Alpha", "Beta", "Legacy"],
    );
    assert.equal(await card.getByTestId("routing-sentence").innerText(), "Tries Alpha; if it fails, Beta.");

    // A second group, configured behind the dashboard's back, shows the weighted either-or.
    const balanced = await createGroup(db, {
      name: "chat-balanced",
      description: "Shares load between Alpha and Beta",
    });
    await setGroupMember(db, balanced, { providerId: providerIds.alpha, priority: 1, weight: 3 });
    await setGroupMember(db, balanced, { providerId: providerIds.beta, priority: 1, weight: 1 });
    await page.reload();
    const balancedCard = page.locator('[data-testid="group-card"][data-group-name="chat-balanced"]');
    assert.equal(await balancedCard.getByTestId("routing-sentence").innerText(), "Tries Alpha or Beta by weight 3:1.");

    // Renaming keeps the members; a taken name is refused with a translated error.
    await balancedCard.getByTestId("group-edit").click();
    await page.fill("#field-name", "chat-main");
    await page.getByTestId("group-submit").click();
    await page.getByTestId("error-name").getByText("This name is already taken.").waitFor();
    await page.fill("#field-name", "chat-spread");
    await page.getByTestId("group-submit").click();
    const spreadCard = page.locator('[data-testid="group-card"][data-group-name="chat-spread"]');
    await spreadCard.waitFor();
    assert.equal(await spreadCard.getByTestId("member-row").count(), 2);

    // Editing a member in place re-sorts the list.
    const legacyPriority = legacyRow.getByTestId("member-priority");
    await legacyPriority.fill("3");
    await legacyRow.getByTestId("member-save").click();
    await page.getByTestId("toast-success").getByText("Legacy: priority 3, weight 1.").waitFor();
    const chatMainGroup = (await listGroups(db)).find((group) => group.name === "chat-main");
    assert.equal(chatMainGroup?.members.find((member) => member.providerName === "Legacy")?.priority, 3);

    for (const locale of locales) await shoot(page, server.baseUrl, "groups", locale);
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, server.baseUrl, "groups", "en", "groups-mobile");
    await page.setViewportSize({ width: 1280, height: 800 });

    // ── API keys ──
    await page.goto(`${server.baseUrl}/en/keys`);
    await page.getByTestId("empty-state").getByText("No API keys yet").waitFor();
    await page.getByTestId("new-key").click();
    await page.fill("#field-name", "ci-bot");
    await page.getByTestId("key-some-groups").check();
    await page.getByTestId("key-submit").click();
    await page.getByTestId("error-groupIds").getByText("Choose at least one group, or allow all groups.").waitFor();
    await page.locator('[data-testid="key-group"][data-group-name="chat-main"]').check();
    await page.getByTestId("key-expiry").selectOption("30");
    await page.getByTestId("key-submit").click();

    const shown = page.getByTestId("new-api-key");
    await shown.waitFor();
    const key = (await shown.innerText()).trim();
    assert.match(key, /^sk-[A-Za-z0-9]{48}$/);
    await page.getByText("it will not be shown again").waitFor();
    await page.getByTestId("copy-new-key").click();
    await page.getByTestId("copy-new-key-done").getByText("Copied").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);

    const first = await chat(key);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.choices?.[0]?.message.content, "Hello from up-alpha");
    assert.equal(mock.callsFor("up-alpha").length, 1);

    // After the dialog closes, only the prefix mask is left, also after a reload.
    await page.getByTestId("close-new-key").click();
    await shown.waitFor({ state: "detached" });
    const row = page.locator('[data-testid="key-row"][data-key-name="ci-bot"]');
    assert.equal(await row.getByTestId("key-mask").innerText(), `${key.slice(0, 7)}…`);
    assert.equal(await row.getByTestId("key-groups").innerText(), "chat-main");
    assert.ok(!(await page.content()).includes(key), "the key is gone from the page once the dialog is closed");
    await page.reload();
    await row.waitFor();
    assert.ok(!(await page.content()).includes(key), "the key is not on the reloaded page");
    assert.ok(!(await page.content()).includes(key.slice(7)), "no part of the key beyond its prefix is on the page");

    // More keys for the screenshots: one for all groups and disabled, one expired.
    const nightly = await createApiKey(db, { name: "nightly-batch", allGroups: true, groupIds: [], expiresAt: null });
    await setApiKeyEnabled(db, nightly.id, false);
    await createApiKey(db, {
      name: "old-demo",
      allGroups: false,
      groupIds: [balanced],
      expiresAt: Date.now() - 86_400_000,
    });
    for (const locale of locales) await shoot(page, server.baseUrl, "keys", locale);
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, server.baseUrl, "keys", "en", "keys-mobile");
    await page.setViewportSize({ width: 1280, height: 800 });

    // Editing: a date in the past is refused, "never" brings the expired key back.
    await page.goto(`${server.baseUrl}/en/keys`);
    const oldDemo = page.locator('[data-testid="key-row"][data-key-name="old-demo"]');
    await oldDemo.getByTestId("key-status").getByText("Expired").waitFor();
    await oldDemo.getByTestId("key-edit").click();
    await page.getByTestId("key-expiry").selectOption("date");
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await page.getByTestId("key-expiry-date").fill(twoDaysAgo.toISOString().slice(0, 10));
    await page.getByTestId("key-submit").click();
    await page.getByTestId("error-expiresAt").getByText("Choose a time in the future.").waitFor();
    await page.getByTestId("key-expiry").selectOption("never");
    await page.getByTestId("key-submit").click();
    await page.getByTestId("toast-success").getByText("Key old-demo saved.").waitFor();
    await oldDemo.getByTestId("key-status").getByText("Enabled").waitFor();

    // ── Failover: the priority-1 provider is disabled behind the dashboard's back ──
    await setProviderEnabled(db, providerIds.alpha, false);
    const deadline = Date.now() + 3_000;
    let served = "";
    while (Date.now() < deadline) {
      const answer = await chat(key);
      assert.equal(answer.status, 200);
      served = answer.body.choices?.[0]?.message.content ?? "";
      if (served === "Hello from up-beta") break;
      await sleep(200);
    }
    assert.equal(served, "Hello from up-beta", "served by the priority-2 provider within 3 s");
    assert.equal(mock.callsFor("up-beta").length, 1);
    assert.equal(mock.callsFor("up-legacy").length, 0, "a disabled provider is never called");

    await page.goto(`${server.baseUrl}/en/groups`);
    assert.equal(await card.getByTestId("routing-sentence").innerText(), "Tries Beta.");
    await card
      .locator('[data-testid="member-row"][data-provider-name="Alpha"]')
      .getByTestId("member-disabled")
      .waitFor();

    // ── Disable and enable in the UI: the gateway follows before the toast appears ──
    await page.goto(`${server.baseUrl}/en/keys`);
    await row.getByTestId("key-toggle").click();
    await page.getByTestId("toast-success").getByText("ci-bot disabled; the gateway refuses it from now on.").waitFor();
    assert.equal((await chat(key)).status, 401);
    await row.getByTestId("key-status").getByText("Disabled").waitFor();
    await row.getByTestId("key-toggle").click();
    await page.getByTestId("toast-success").getByText("ci-bot enabled.").waitFor();
    assert.equal((await chat(key)).status, 200);

    // ── Revoke in the UI: refused from the moment the action answers ──
    await row.getByTestId("key-revoke").click();
    await page.getByRole("dialog").getByText("Revoke ci-bot?").waitFor();
    // Ordering, not a stopwatch: once the revoke action has answered, every request with the
    // key is refused (the gateway's key cache is invalidated before the action returns). Probes
    // (GET /v1/models: the same key check without an upstream call) run one after another.
    const isRevoke = (request: { method(): string; headers(): Record<string, string> }) =>
      request.method() === "POST" && request.headers()["next-action"] !== undefined;
    const revokeSent = page.waitForRequest(isRevoke);
    const revokeAnswered = page.waitForResponse((response) => isRevoke(response.request()));
    await page.getByTestId("confirm").click();
    await revokeSent;
    const revokedAt = Date.now();
    await revokeAnswered;
    const probes: { sentAt: number; status: number; code: string | null | undefined }[] = [];
    for (let i = 0; i < 5; i += 1) {
      const sentAt = Date.now();
      const answer = await fetch(`${server.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      const body = (await answer.json()) as { error?: { code: string | null } };
      probes.push({ sentAt: sentAt - revokedAt, status: answer.status, code: body.error?.code });
    }
    assert.ok(
      probes.every((probe) => probe.status === 401 && probe.code === "invalid_api_key"),
      `every request after the revoke answered is refused: ${JSON.stringify(probes)}`,
    );
    t.diagnostic(
      `revoked key: the action answered and the first probe was refused ${probes[0]!.sentAt} ms after the revoke was sent`,
    );
    const completion = await chat(key);
    assert.equal(completion.status, 401);
    assert.equal(completion.body.error?.code, "invalid_api_key");
    await page.getByTestId("toast-success").getByText("ci-bot revoked.").waitFor();
    await row.waitFor({ state: "detached" });

    // Deleting a group asks first, then it is gone from the page and from the gateway.
    await page.goto(`${server.baseUrl}/en/groups`);
    await spreadCard.getByTestId("group-delete").click();
    await page.getByRole("dialog").getByText("Delete group chat-spread?").waitFor();
    await page.getByTestId("confirm").click();
    await page.getByTestId("toast-success").getByText("Group chat-spread deleted.").waitFor();
    await spreadCard.waitFor({ state: "detached" });
    assert.deepEqual(
      (await listGroups(db)).map((group) => group.name),
      ["chat-main"],
    );

    assert.deepEqual(watcher.errors, []);
    await context.close();
  });

  it("refuses every groups and keys action called directly without a session", async () => {
    const [group] = await listGroups(db);
    const [key] = await listApiKeys(db);
    assert.ok(group && key, "the journey left a group and a key behind");
    const before = { groups: JSON.stringify(await listGroups(db)), keys: JSON.stringify(await listApiKeys(db)) };
    const calls: { section: "groups" | "keys"; name: string; args: unknown[] }[] = [
      { section: "groups", name: "createGroupAction", args: [{ name: "sneaky", description: "" }] },
      { section: "groups", name: "updateGroupAction", args: [group.id, { name: "renamed", description: "" }] },
      { section: "groups", name: "deleteGroupAction", args: [group.id] },
      {
        section: "groups",
        name: "setGroupMemberAction",
        args: [group.id, { providerId: providerIds.legacy, priority: 1, weight: 1 }],
      },
      { section: "groups", name: "removeGroupMemberAction", args: [group.id, providerIds.beta] },
      {
        section: "keys",
        name: "createApiKeyAction",
        args: [{ name: "sneaky", allGroups: true, groupIds: [], expiresAt: null }],
      },
      {
        section: "keys",
        name: "updateApiKeyAction",
        args: [key.id, { name: "renamed", allGroups: true, groupIds: [] }],
      },
      { section: "keys", name: "setApiKeyEnabledAction", args: [key.id, true] },
      { section: "keys", name: "deleteApiKeyAction", args: [key.id] },
    ];
    const idsByFile = {
      groups: actionIds("app/[locale]/(dashboard)/groups/actions.ts"),
      keys: actionIds("app/[locale]/(dashboard)/keys/actions.ts"),
    };
    assert.equal(idsByFile.groups.size + idsByFile.keys.size, calls.length, "every exported action is covered");
    for (const call of calls) {
      const actionId = idsByFile[call.section].get(call.name);
      assert.ok(actionId, `${call.name} is in the manifest`);
      const response = await fetch(`${server.baseUrl}/en/${call.section}`, {
        method: "POST",
        headers: {
          "next-action": actionId,
          accept: "text/x-component",
          "content-type": "text/plain;charset=UTF-8",
          origin: server.baseUrl,
          // Claims that once let a request skip middleware; the action must not care.
          "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware",
        },
        body: JSON.stringify(call.args),
      });
      const body = await response.text();
      assert.match(
        body,
        /"formError":"unauthorized"/,
        `${call.name} answers unauthorized (${response.status}): ${body.slice(0, 200)}`,
      );
      assert.doesNotMatch(body, /sk-[A-Za-z0-9]{20,}/, `${call.name} leaks no key`);
    }
    assert.equal(JSON.stringify(await listGroups(db)), before.groups, "no group changed");
    assert.equal(JSON.stringify(await listApiKeys(db)), before.keys, "no key changed");
  });
});
