import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sql, type Kysely } from "kysely";
import { createDb, getDialect } from "../../db/client";
import { createApiKey } from "../../db/queries/api-keys";
import { createCredential } from "../../db/queries/credentials";
import { createGroup, setGroupMember } from "../../db/queries/groups";
import { createKeyword } from "../../db/queries/keywords";
import { createProvider } from "../../db/queries/providers";
import { saveSettings } from "../../db/queries/settings";
import type { Database } from "../../db/schema";
import { createTestCipher, startTestServer, type TestServer } from "../support/server";

/**
 * Server actions are public POST endpoints: whatever the layout or proxy does, each one
 * must refuse a caller without a session by itself. This calls every action the build
 * knows of (read from the server reference manifest, so actions added later are covered
 * without touching this file) directly, without a cookie and with spoofed headers, and
 * checks that nothing changed and nothing leaked.
 */

const root = new URL("../..", import.meta.url).pathname;
const distDir = process.env.NEXT_DIST_DIR || ".next";
const ADMIN_PASSWORD = "test-password-1";
/** Public by design: signing in cannot require a session. Checked separately below. */
const PUBLIC_ACTION_FILES = new Set(["app/[locale]/login/actions.ts"]);
const canary = `canary${randomBytes(8).toString("hex")}`;

interface ServerAction {
  id: string;
  file: string;
  name: string;
  /** Dashboard URLs of the pages whose bundles hold the action. */
  pages: string[];
}

interface ManifestEntry {
  workers?: Record<string, unknown>;
  filename?: string;
  exportedName?: string;
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
  assert.ok(existsSync(file), `no server reference manifest at ${file}: build first (NEXT_DIST_DIR=${distDir})`);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { node?: Record<string, ManifestEntry> };
  return Object.entries(manifest.node ?? {}).map(([id, entry]) => ({
    id,
    file: entry.filename ?? "(unknown module)",
    name: entry.exportedName ?? "(unknown export)",
    pages: [
      ...new Set(
        Object.keys(entry.workers ?? {})
          .map(pageUrl)
          .filter((url): url is string => url !== null),
      ),
    ],
  }));
}

// ---- what an attacker sends --------------------------------------------------------------

/** Arguments shaped like the calls the dashboard's own forms make, React's reply encoding. */
function argumentBodies(): Array<{ label: string; body: () => string | FormData }> {
  const plausible = {
    id: 1,
    name: `${canary}-new`,
    keyword: `${canary}-new`,
    isEnabled: false,
    groupIds: [1],
    password: "x",
  };
  const formFields = (root: string) => {
    const form = new FormData();
    for (const [key, value] of Object.entries({
      id: "1",
      name: `${canary}-new`,
      keyword: `${canary}-new`,
      locale: "en",
      current: ADMIN_PASSWORD,
      next: "attacker-1234",
      confirm: "attacker-1234",
    })) {
      form.set(`_1_${key}`, value);
    }
    // React sends the root last: the server decodes it as soon as it arrives.
    form.set("0", root);
    return form;
  };
  return [
    { label: "[]", body: () => "[]" },
    { label: "[{}]", body: () => "[{}]" },
    { label: "[object]", body: () => JSON.stringify([plausible]) },
    { label: "[1,true]", body: () => "[1,true]" },
    { label: "[$K1 form]", body: () => formFields('["$K1"]') },
    { label: "[state,$K1 form]", body: () => formFields('[{},"$K1"]') },
  ];
}

const subrequestHeaders = [
  "middleware:middleware:middleware:middleware:middleware",
  "proxy:proxy:proxy:proxy:proxy",
  "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware",
];

/** Same-origin forged, foreign with a matching forwarded host (passes Next's CSRF check), none, a forged cookie. */
function originHeaders(baseUrl: string, index: number): Array<{ label: string; headers: Record<string, string> }> {
  const subrequest = subrequestHeaders[index % subrequestHeaders.length]!;
  return [
    { label: "same-origin", headers: { origin: baseUrl, "x-middleware-subrequest": subrequest } },
    {
      label: "foreign",
      headers: {
        origin: "https://evil.example",
        "x-forwarded-host": "evil.example",
        "x-middleware-subrequest": subrequest,
      },
    },
    { label: "no-origin", headers: { "x-middleware-subrequest": subrequest } },
    {
      label: "forged-cookie",
      headers: {
        origin: baseUrl,
        cookie: "authjs.session-token=forged.jwt.value; __Secure-authjs.session-token=forged",
      },
    },
  ];
}

interface Outcome {
  status: number;
  text: string;
  redirect: string | null;
  setCookie: string;
}

async function callAction(
  baseUrl: string,
  page: string,
  actionId: string,
  body: string | FormData,
  headers: Record<string, string>,
): Promise<Outcome> {
  const response = await fetch(`${baseUrl}${page}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "next-action": actionId,
      accept: "text/x-component",
      ...(typeof body === "string" ? { "content-type": "text/plain;charset=UTF-8" } : {}),
      ...headers,
    },
    body,
  });
  return {
    status: response.status,
    text: await response.text(),
    redirect: response.headers.get("x-action-redirect") ?? response.headers.get("location"),
    setCookie: response.headers.getSetCookie().join("\n"),
  };
}

/** The action's return value in a flight response: row 0 names the row that holds it. */
function actionResult(text: string): string | null {
  const reference = /^0:\{"a":"\$@([0-9a-f]+)"/m.exec(text)?.[1];
  if (reference === undefined) return null;
  return new RegExp(`^${reference}:(.*)$`, "m").exec(text)?.[1] ?? null;
}

/** The action ran and said no: an `unauthorized` result, or a redirect to the login page. */
function isRefusal(outcome: Outcome): boolean {
  return /"unauthorized"/.test(actionResult(outcome.text) ?? "") || /\/login(?:[;?]|$)/.test(outcome.redirect ?? "");
}

/**
 * Next hands an action posted to a page that does not hold it to one that does, and answers
 * the caller with an empty object whatever happened there; the database check covers it.
 */
function isForwarded(outcome: Outcome): boolean {
  return outcome.status === 200 && outcome.text === "{}";
}

// ---- what must not change -----------------------------------------------------------------

/** Rows of these tables must stay identical; every other table must keep its row count. */
const configurationTables = [
  "endpoint_credentials",
  "providers",
  "model_groups",
  "group_members",
  "api_keys",
  "api_key_groups",
  "failure_keywords",
  "settings",
  "config_state",
  "admin_users",
] as const;

async function snapshotDatabase(
  db: Kysely<Database>,
): Promise<{ counts: Record<string, number>; rows: Record<string, unknown[]> }> {
  const tables =
    getDialect(db) === "postgres"
      ? await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = current_schema() order by table_name`.execute(
          db,
        )
      : await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    // The server's own background jobs take this lock on a timer, whoever calls.
    if (name === "job_locks") continue;
    const result = await sql<{ count: number }>`select count(*) as count from ${sql.table(name)}`.execute(db);
    counts[name] = Number(result.rows[0]?.count ?? -1);
  }
  const rows: Record<string, unknown[]> = {};
  for (const table of configurationTables) {
    rows[table] = (await sql`select * from ${sql.table(table)} order by 1`.execute(db)).rows;
  }
  return { counts, rows };
}

async function seed(db: Kysely<Database>): Promise<void> {
  const credentialId = await createCredential(db, createTestCipher(), {
    name: `${canary}-endpoint`,
    baseUrl: "http://127.0.0.1:9/v1",
    apiKey: `sk-${canary}-provider-key`,
  });
  const providerId = await createProvider(db, {
    name: `${canary}-provider`,
    credentialId,
    upstreamModel: `${canary}-model`,
  });
  const groupId = await createGroup(db, { name: `${canary}-group` });
  await setGroupMember(db, groupId, { providerId, priority: 1, weight: 1 });
  await createApiKey(db, { name: `${canary}-key`, allGroups: false, groupIds: [groupId], expiresAt: null });
  await createKeyword(db, { keyword: `${canary}-keyword` });
  await saveSettings(db, { metricsToken: `${canary}-metrics-token`, failoverThreshold: 5 });
}

describe("every dashboard server action refuses a caller without a session", () => {
  let server: TestServer;
  let db: Kysely<Database>;
  let actions: ServerAction[];

  before(async () => {
    actions = readServerActions();
    server = await startTestServer({ env: { ADMIN_PASSWORD } });
    db = createDb(server.databaseUrl);
    await seed(db);
  });

  after(async () => {
    await db?.destroy();
    await server?.stop();
  });

  it("finds the dashboard's actions in the build's manifest", () => {
    const names = new Set(actions.map((action) => `${action.file}#${action.name}`));
    for (const expected of [
      "app/[locale]/login/actions.ts#loginAction",
      "app/[locale]/(dashboard)/actions.ts#logoutAction",
      "app/[locale]/change-password/actions.ts#changePasswordAction",
      "app/[locale]/(dashboard)/keywords/actions.ts#createKeywordAction",
      "app/[locale]/(dashboard)/settings/actions.ts#saveSettingsAction",
    ]) {
      assert.ok(names.has(expected), `${expected} is in the manifest (found: ${[...names].join(", ")})`);
    }
    for (const action of actions) assert.ok(action.pages.length > 0, `${action.file}#${action.name} is used by a page`);
  });

  it("calls each non-public action directly and gets a refusal, no data and no change", async () => {
    const before = await snapshotDatabase(db);
    const protectedActions = actions.filter((action) => !PUBLIC_ACTION_FILES.has(action.file));
    assert.ok(protectedActions.length >= 4, "several protected actions exist");
    const log: string[] = [];
    const failures: string[] = [];

    for (const [index, action] of protectedActions.entries()) {
      // Pages that hold the action (a few suffice), plus a dashboard page that may not.
      const pages = [...new Set([...action.pages.slice(0, 3), "/en/settings"])];
      let refusals = 0;
      let forwarded = 0;
      let requests = 0;
      const statuses = new Map<number, number>();
      for (const page of pages) {
        for (const { label: argsLabel, body } of argumentBodies()) {
          const variants = originHeaders(server.baseUrl, index);
          const outcomes = await Promise.all(
            variants.map(({ headers }) => callAction(server.baseUrl, page, action.id, body(), headers)),
          );
          for (const [variant, outcome] of outcomes.entries()) {
            const originLabel = variants[variant]!.label;
            requests += 1;
            statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
            const where = `${action.file}#${action.name} at ${page} with ${argsLabel}, ${originLabel}`;
            if (isRefusal(outcome)) refusals += 1;
            else if (isForwarded(outcome)) forwarded += 1;
            else if (outcome.status >= 200 && outcome.status < 300)
              failures.push(`${where}: answered ${outcome.status} without refusing: ${outcome.text.slice(0, 300)}`);
            if (outcome.text.includes(canary)) failures.push(`${where}: the response holds stored data`);
            if (/authjs\.session-token=[^;]/.test(outcome.setCookie))
              failures.push(`${where}: a session cookie was set`);
          }
        }
      }
      if (refusals === 0)
        failures.push(
          `${action.file}#${action.name}: no call was refused as unauthorized (statuses ${JSON.stringify([...statuses])})`,
        );
      log.push(
        `${action.file}#${action.name} (${action.id.slice(0, 10)}…) on ${pages.join(", ")}: ${requests} calls, ${refusals} refused, ${forwarded} forwarded, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
    }

    // A form post without JavaScript names the action in a field instead of a header.
    for (const action of protectedActions) {
      const form = new FormData();
      form.set(`$ACTION_ID_${action.id}`, "");
      form.set("id", "1");
      form.set("keyword", `${canary}-new`);
      form.set("locale", "en");
      const page = action.pages[0] ?? "/en/settings";
      const response = await fetch(`${server.baseUrl}${page}`, {
        method: "POST",
        redirect: "manual",
        headers: { origin: server.baseUrl },
        body: form,
      });
      const text = await response.text();
      if (text.includes(canary))
        failures.push(`${action.file}#${action.name}: the no-JS form post returned stored data`);
      if (/authjs\.session-token=[^;]/.test(response.headers.getSetCookie().join("\n")))
        failures.push(`${action.file}#${action.name}: no-JS post set a session cookie`);
    }

    console.log(`Server actions exercised without a session:\n  ${log.join("\n  ")}`);
    // Give anything the calls might have queued a moment to land before comparing.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const afterCalls = await snapshotDatabase(db);
    assert.deepEqual(failures, []);
    assert.deepEqual(afterCalls.counts, before.counts, "row counts of every table are unchanged");
    for (const table of configurationTables)
      assert.deepEqual(afterCalls.rows[table], before.rows[table], `${table} is unchanged`);
  });

  it("the public login action signs nobody in with wrong credentials, and the same call with the right ones does", async () => {
    const login = actions.find((action) => PUBLIC_ACTION_FILES.has(action.file) && action.name === "loginAction");
    assert.ok(login, "the login action is in the manifest");
    const page = login.pages[0] ?? "/en/login";
    const attempt = (username: string, password: string, address: string) => {
      const form = new FormData();
      form.set("_1_username", username);
      form.set("_1_password", password);
      form.set("_1_locale", "en");
      form.set("0", '[{"error":null},"$K1"]');
      return callAction(server.baseUrl, page, login.id, form, {
        origin: server.baseUrl,
        "x-forwarded-for": address,
        "x-middleware-subrequest": subrequestHeaders[0]!,
      });
    };
    const adminBefore = await db.selectFrom("admin_users").selectAll().execute();

    for (const [username, password] of [
      ["admin", "wrong-password"],
      ["admin", ""],
      ["nobody", ADMIN_PASSWORD],
      ["admin", `${ADMIN_PASSWORD} `],
    ] as const) {
      const outcome = await attempt(username, password, "203.0.113.7");
      assert.doesNotMatch(
        outcome.setCookie,
        /authjs\.session-token=[^;]/,
        `${username}/${JSON.stringify(password)} gets no session`,
      );
      assert.match(outcome.text, /"error":"(invalid|throttled)"/, `${username}/${JSON.stringify(password)} is refused`);
      assert.ok(!outcome.text.includes(canary));
    }
    assert.deepEqual(
      await db.selectFrom("admin_users").selectAll().execute(),
      adminBefore,
      "failed logins change no admin row",
    );

    // Positive control: the very same encoding reaches the action, so the refusals above mean something.
    const success = await attempt("admin", ADMIN_PASSWORD, "198.51.100.9");
    const cookie = /(?:__Secure-)?authjs\.session-token=[^;]+/.exec(success.setCookie)?.[0];
    assert.ok(cookie, `the right password signs in (status ${success.status})`);
    const page200 = await fetch(`${server.baseUrl}/en/keywords`, { redirect: "manual", headers: { cookie } });
    assert.equal(page200.status, 200, "the session from the action opens the dashboard");

    // And with that session, a protected action called the same way does write.
    const create = actions.find((action) => action.name === "createKeywordAction");
    assert.ok(create);
    const created = await callAction(
      server.baseUrl,
      create.pages[0] ?? "/en/keywords",
      create.id,
      JSON.stringify([{ keyword: `${canary}-authorized` }]),
      {
        cookie,
        origin: server.baseUrl,
      },
    );
    assert.match(created.text, /"ok":true/);
    const stored = await db
      .selectFrom("failure_keywords")
      .select("keyword")
      .where("keyword", "=", `${canary}-authorized`)
      .execute();
    assert.equal(stored.length, 1, "the signed-in call created the keyword");
  });
});
