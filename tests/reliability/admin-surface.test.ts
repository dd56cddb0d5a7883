import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createApiKey, deleteApiKey, setApiKeyEnabled } from "../../db/queries/api-keys";
import { sleep, startGateway, waitUntil, type Gateway } from "../support/seed";
import { mergeCookies, opensDashboard, signInOverHttp } from "./support/admin-session";
import { FigureBook } from "./support/figures";
import { CaseChecker } from "./support/invariants";
import { callFormAction, findActionId } from "./support/server-actions";

/*
 * RELIABILITY F over the production server: revoked keys, sessions, the admin surface without
 * a session, secrets in what the dashboard sends, security headers, the login throttle and
 * the log search. tests/api/dashboard-actions-auth.test.ts calls every server action without
 * a session; tests/browser/auth-flow.test.ts walks the sign-in journey.
 */

const ADMIN_PASSWORD = "reliability-admin-1";
const NEW_PASSWORD = "reliability-admin-2";
const METRICS_TOKEN = "metrics-token-for-reliability";
const messages = [{ role: "user", content: "hi" }];
const DASHBOARD_PAGES = [
  "/en",
  "/en/providers",
  "/en/credentials",
  "/en/groups",
  "/en/keys",
  "/en/keywords",
  "/en/logs",
  "/en/settings",
  "/en/config",
  "/en/import",
  "/en/playground",
  "/en/account",
];

/**
 * GET or POST without following redirects, except Next's own hop that adds the `_rsc`
 * cache-busting parameter to an RSC request (`rsc: 1`), which a browser follows too.
 */
async function fetchManual(
  url: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: "manual" });
  const location = response.headers.get("location");
  if (response.status === 307 && /[?&]_rsc\b/.test(location ?? "")) {
    await response.arrayBuffer();
    return fetch(new URL(location ?? "", url), { ...init, redirect: "manual" });
  }
  return response;
}

describe("reliability: keys, sessions and the admin surface", () => {
  const book = new FigureBook("admin-surface");
  let gw: Gateway;
  let key: string;
  let checker: CaseChecker;

  before(async () => {
    gw = await startGateway({
      env: { ADMIN_PASSWORD },
      settings: { metricsToken: METRICS_TOKEN },
      async seed(s) {
        await s.group("chat", ["as-a"]);
        // Names with LIKE wildcards in them, which the row's error quotes.
        await s.group("percent", ["as-100%_broken"]);
        await s.group("digits", ["as-1000 brokenX"]);
        key = await s.key("app", { groups: ["chat", "percent", "digits"] });
      },
    });
    checker = new CaseChecker(gw, book, "F");
  });

  after(async () => {
    await gw?.stop();
  });

  it("sends the security headers on every dashboard response, with a fresh script nonce and no unsafe-eval", async () => {
    const { cookie } = await signInOverHttp(gw.baseUrl, "admin", ADMIN_PASSWORD);
    const nonces = new Set<string>();
    for (const [path, headers] of [
      ["/en/login", {}],
      ["/ja/login", {}],
      ["/en", { cookie }],
      ["/en/providers", { cookie }],
      ["/en/providers", { cookie, rsc: "1" }],
    ] as const) {
      const response = await fetchManual(`${gw.baseUrl}${path}`, { headers });
      const body = await response.text();
      assert.equal(response.status, 200, `${path}: ${response.headers.get("location")}`);
      const policy = response.headers.get("content-security-policy") ?? "";
      assert.match(policy, /frame-ancestors 'none'/, path);
      assert.match(policy, /object-src 'none'/);
      assert.doesNotMatch(policy, /unsafe-eval/);
      assert.doesNotMatch(/script-src[^;]*/.exec(policy)?.[0] ?? "", /unsafe-inline/);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(response.headers.get("referrer-policy"), "strict-origin-when-cross-origin");
      assert.equal(response.headers.get("x-frame-options"), "DENY");
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      assert.ok(nonce, `${path}: a script nonce`);
      nonces.add(nonce);
      if (!("rsc" in headers)) {
        const scripts = [...body.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
        assert.ok(scripts.length > 0, `${path} has scripts`);
        for (const script of scripts)
          assert.ok(script.includes(`nonce="${nonce}"`), `${path}: every script carries the nonce: ${script}`);
      }
    }
    assert.equal(nonces.size, 5, "a new nonce per response");
    const api = await fetch(`${gw.baseUrl}/v1/models`);
    assert.equal(api.headers.get("x-content-type-options"), "nosniff");
    assert.equal(api.headers.get("content-security-policy"), null, "the API is left alone by the proxy");
    await api.arrayBuffer();
  });

  it("refuses a revoked or disabled key within a second of the change reaching the database", async () => {
    const times: number[] = [];
    for (let round = 0; round < 6; round += 1) {
      const created = await createApiKey(gw.db, {
        name: `revoked-${round}`,
        allGroups: true,
        groupIds: [],
        expiresAt: null,
      });
      await waitUntil(
        async () => (await gw.send("GET", "/v1/models", undefined, { key: created.key })).status === 200,
        5_000,
        "the new key to work",
      );
      // Another process (the CLI, a second instance) writes the change: no reload is pushed.
      if (round % 2 === 0) await deleteApiKey(gw.db, created.id);
      else await setApiKeyEnabled(gw.db, created.id, false);
      const changedAt = performance.now();
      await waitUntil(
        async () => (await gw.send("GET", "/v1/models", undefined, { key: created.key })).status === 401,
        5_000,
        "the key to be refused",
      );
      times.push(performance.now() - changedAt);
      await sleep(Math.random() * 300);
    }
    book.update((figures) => figures.revokedKeyRefusalMs.push(...times));
    book.fault("F", times.length);
    assert.ok(Math.max(...times) <= 1_000, `refused after ${times.map((ms) => ms.toFixed(0)).join(", ")} ms`);
  });

  it("accepts no call without valid credentials on the API, the admin routes or any dashboard page", async () => {
    const accepted: string[] = [];
    let tried = 0;
    const body = { model: "chat", messages };
    const revoked = await createApiKey(gw.db, { name: "gone", allGroups: true, groupIds: [], expiresAt: null });
    await deleteApiKey(gw.db, revoked.id);
    for (const [label, headers, query] of [
      ["no key", {}, ""],
      ["empty bearer", { authorization: "Bearer " }, ""],
      ["unknown key", { authorization: `Bearer sk-${"x".repeat(48)}` }, ""],
      ["revoked key", { authorization: `Bearer ${revoked.key}` }, ""],
      ["key as basic auth", { authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` }, ""],
      ["key in the query", {}, `?api_key=${key}`],
      ["key prefix only", { authorization: `Bearer ${key.slice(0, 20)}` }, ""],
    ] as const) {
      tried += 1;
      const response = await gw.chat(null, body, { headers, query });
      if (response.status < 400) accepted.push(`chat: ${label}`);
      tried += 1;
      const models = await gw.send("GET", "/v1/models", undefined, { headers, query });
      if (models.status < 400) accepted.push(`models: ${label}`);
    }
    const forged = "authjs.session-token=forged.jwt.value";
    const calls: [string, string, Record<string, string>][] = [
      ["GET", "/metrics", {}],
      ["GET", "/metrics", { authorization: "Bearer wrong" }],
      ["GET", "/api/logs/export", {}],
      ["GET", "/api/logs/export", { cookie: forged }],
      ["POST", "/api/playground", { "content-type": "application/json" }],
      ["POST", "/api/playground", { "content-type": "application/json", cookie: forged }],
      ...DASHBOARD_PAGES.flatMap((page): [string, string, Record<string, string>][] => [
        ["GET", page, {}],
        ["GET", page, { cookie: forged, rsc: "1" }],
      ]),
    ];
    for (const [method, path, headers] of calls) {
      tried += 1;
      const response = await fetchManual(`${gw.baseUrl}${path}`, {
        method,
        headers,
        body: method === "POST" ? JSON.stringify({ group: "chat", messages }) : undefined,
      });
      const text = await response.text();
      const location = response.headers.get("location") ?? "";
      // An RSC request learns of the redirect inside its payload, as a NEXT_REDIRECT digest.
      const isRscRedirect = response.status === 200 && /"digest":"NEXT_REDIRECT;replace;\/en\/login;/.test(text);
      const isRefused =
        response.status === 401 ||
        response.status === 403 ||
        (response.status >= 300 && response.status < 400 && location.includes("/login")) ||
        isRscRedirect;
      if (!isRefused)
        accepted.push(`${method} ${path} ${JSON.stringify(headers)}: ${response.status} ${text.slice(0, 80)}`);
    }
    book.update((figures) => {
      figures.unauthenticatedTried += tried;
      figures.unauthenticatedAccepted += accepted.length;
    });
    await checker.check({ mockCalls: 0, faults: tried });
    assert.deepEqual(accepted, []);
    assert.equal(await opensDashboard(gw.baseUrl, forged), false);
  });

  it("never sends a provider key to the browser, in any page or RSC payload", async () => {
    const response = await gw.chat(key, { model: "chat", messages });
    assert.equal(response.status, 200);
    const [row] = await checker.check({ mockCalls: 1 });
    const { cookie } = await signInOverHttp(gw.baseUrl, "admin", ADMIN_PASSWORD);
    for (const page of [...DASHBOARD_PAGES, `/en/logs/${row!.requestId}`, "/zh/providers", "/ko/credentials"]) {
      for (const headers of [{ cookie }, { cookie, rsc: "1" }]) {
        const answer = await fetchManual(`${gw.baseUrl}${page}`, { headers: headers as Record<string, string> });
        const text = await answer.text();
        assert.equal(answer.status, 200, `${page} opens`);
        gw.assertNoSecret(text, `${page} ${"rsc" in headers ? "RSC payload" : "HTML"}`);
        assert.ok(!text.includes(gw.canaryKey.slice(-12)), `${page}: not even the key's tail`);
      }
    }
  });

  it("escapes % and _ in the log search, and answers a query of thousands of wildcards quickly", async () => {
    gw.mock.setBehavior("as-100%_broken", { status: 503 });
    gw.mock.setBehavior("as-1000 brokenX", { status: 503 });
    assert.equal((await gw.chat(key, { model: "percent", messages })).status, 502);
    assert.equal((await gw.chat(key, { model: "digits", messages })).status, 502);
    const rows = await checker.check({ mockCalls: 2 });
    assert.ok(
      rows.every((row) => row.error?.includes("brok")),
      "the errors quote the provider names",
    );
    const { cookie } = await signInOverHttp(gw.baseUrl, "admin", ADMIN_PASSWORD);
    const search = async (q: string) => {
      const startedAt = performance.now();
      const page = await fetch(`${gw.baseUrl}/en/logs?q=${encodeURIComponent(q)}`, { headers: { cookie } });
      const html = await page.text();
      assert.equal(page.status, 200);
      return { rows: [...html.matchAll(/data-testid="log-row"/g)].length, ms: performance.now() - startedAt };
    };
    assert.equal((await search("100%_")).rows, 1, "% and _ match themselves");
    assert.equal((await search("1000")).rows, 1);
    assert.equal((await search("as-1_0")).rows, 0, "_ is no wildcard");
    // 4,000 characters of wildcards (16 KB of URL is Node's header limit; beyond it 431).
    const huge = await search("%_".repeat(2_000));
    assert.equal(huge.rows, 0);
    assert.ok(huge.ms < 2_000, `a 4,000-character query answered in ${huge.ms.toFixed(0)} ms`);
  });

  it("issues HttpOnly SameSite cookies, a new one per sign-in; a password change ends every other session and logout ends its own", async () => {
    const first = await signInOverHttp(gw.baseUrl, "admin", ADMIN_PASSWORD);
    const second = await signInOverHttp(gw.baseUrl, "admin", ADMIN_PASSWORD);
    for (const outcome of [first, second]) {
      assert.ok(outcome.sessionSetCookie, "a session cookie");
      assert.match(outcome.sessionSetCookie, /;\s*HttpOnly/i);
      assert.match(outcome.sessionSetCookie, /;\s*SameSite=Lax/i);
      assert.match(outcome.sessionSetCookie, /;\s*Path=\//i);
    }
    assert.notEqual(first.sessionSetCookie, second.sessionSetCookie, "rotated at every sign-in");
    assert.ok(await opensDashboard(gw.baseUrl, first.cookie));
    assert.ok(await opensDashboard(gw.baseUrl, second.cookie));

    const change = await callFormAction(
      gw.baseUrl,
      "/en/change-password",
      findActionId("app/[locale]/change-password/actions.ts", "changePasswordAction"),
      { current: ADMIN_PASSWORD, next: NEW_PASSWORD, confirm: NEW_PASSWORD, locale: "en" },
      first.cookie,
      { formError: null, fieldErrors: {} },
    );
    const renewed = mergeCookies(first.cookie, change.response);
    assert.notEqual(
      renewed,
      first.cookie,
      `the change signs this browser in afresh (${change.status} ${change.text.slice(0, 200)})`,
    );
    assert.equal(await opensDashboard(gw.baseUrl, second.cookie), false, "the other session ended");
    assert.equal(await opensDashboard(gw.baseUrl, first.cookie), false, "the old cookie of this browser too");
    assert.ok(await opensDashboard(gw.baseUrl, renewed), "the renewed session works");

    await callFormAction(
      gw.baseUrl,
      "/en",
      findActionId("app/[locale]/(dashboard)/actions.ts", "logoutAction"),
      { locale: "en" },
      renewed,
    );
    assert.equal(
      await opensDashboard(gw.baseUrl, renewed),
      false,
      "a copy of the cookie kept after logout opens nothing",
    );
    assert.equal(
      (await signInOverHttp(gw.baseUrl, "admin", ADMIN_PASSWORD)).sessionSetCookie,
      null,
      "the old password is gone",
    );
    book.fault("F", 4);
  });

  it("throttles password guessing per account, whatever address the guesses claim to come from", async () => {
    for (let guess = 0; guess < 5; guess += 1) {
      const outcome = await signInOverHttp(gw.baseUrl, "admin", `wrong-${guess}`, `203.0.113.${guess}`);
      assert.equal(outcome.sessionSetCookie, null);
    }
    const right = await signInOverHttp(gw.baseUrl, "admin", NEW_PASSWORD, "198.51.100.77");
    assert.equal(right.sessionSetCookie, null, "even the right password is refused while throttled");
    book.fault("F", 6);
  });
});
