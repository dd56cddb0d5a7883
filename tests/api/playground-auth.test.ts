import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { countCallLogs } from "../../db/queries/call-logs";
import { toDbBoolean } from "../../db/dialect";
import { PLAYGROUND_CALLER_NAME } from "../../lib/playground/stream-chat";
import { sleep, startGateway, waitForLogRow, type Gateway } from "../support/seed";

/**
 * POST /api/playground runs chat turns as the admin, without an API key, so it must check
 * the dashboard session itself: no cookie, a forged cookie, spoofed internal headers or a
 * session still owing its password change get a 401 and never reach a provider.
 */

const ADMIN_PASSWORD = "test-password-1";
const TURN = {
  id: "chat-1",
  trigger: "submit-message",
  group: "chat",
  messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "hello" }] }],
};

/** Signs in through Auth.js's own endpoints and returns the session cookie. */
async function signInOverHttp(baseUrl: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, username: "admin", password: ADMIN_PASSWORD }),
  });
  const session = /(?:__Secure-)?authjs\.session-token=[^;]+/.exec(response.headers.getSetCookie().join("\n"))?.[0];
  assert.ok(session, `signing in gave a session cookie (status ${response.status})`);
  return session;
}

function postTurn(baseUrl: string, headers: Record<string, string>, body: unknown = TURN): Promise<Response> {
  return fetch(`${baseUrl}/api/playground`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("POST /api/playground access", () => {
  let gateway: Gateway;

  before(async () => {
    gateway = await startGateway({
      env: { ADMIN_PASSWORD },
      async seed(seeder) {
        await seeder.group("chat", ["up-a"]);
      },
    });
  });

  after(async () => {
    await gateway?.stop();
  });

  it("refuses every caller without a valid, finished session with a 401 and calls no provider", async () => {
    const { baseUrl } = gateway;
    const attempts: Record<string, string>[] = [
      {},
      { origin: baseUrl },
      { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware", origin: baseUrl },
      { cookie: "authjs.session-token=forged.jwt.value; __Secure-authjs.session-token=forged" },
      { authorization: "Bearer sk-not-a-key" },
    ];
    for (const headers of attempts) {
      const response = await postTurn(baseUrl, headers);
      assert.equal(response.status, 401, JSON.stringify(headers));
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
      assert.deepEqual(await response.json(), { code: "unauthorized" });
    }
    // A session whose default password still has to be changed is not enough either.
    const cookie = await signInOverHttp(baseUrl);
    await gateway.db
      .updateTable("admin_users")
      .set({ must_change_password: toDbBoolean(true) })
      .execute();
    try {
      const response = await postTurn(baseUrl, { cookie });
      assert.equal(response.status, 401);
      await response.arrayBuffer();
    } finally {
      await gateway.db
        .updateTable("admin_users")
        .set({ must_change_password: toDbBoolean(false) })
        .execute();
    }
    await sleep(300);
    assert.equal(gateway.mock.callCount, 0, "no provider was called");
    assert.equal(await countCallLogs(gateway.db), 0, "refused callers leave no gateway log row");
  });

  it("serves the signed-in admin through the gateway, logged as the playground with no key", async () => {
    const cookie = await signInOverHttp(gateway.baseUrl);
    const response = await postTurn(gateway.baseUrl, { cookie });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-vercel-ai-ui-message-stream"), "v1");
    const text = await response.text();
    assert.match(text, /"delta":"Hello"/);
    assert.match(text, /"delta":" up-a"/);
    gateway.assertNoSecret(text, "the playground stream");
    const requestId = /"requestId":"(req_[0-9a-f]{32})"/.exec(text)?.[1];
    assert.ok(requestId, "the finish carries the turn's request id");
    const row = await waitForLogRow(gateway.db, requestId);
    assert.equal(row.apiKeyId, null);
    assert.equal(row.apiKeyName, PLAYGROUND_CALLER_NAME);
    assert.equal(row.groupName, "chat");
    assert.equal(row.status, 200);
    assert.equal(gateway.mock.callCount, 1);
  });

  it("answers bad input from a signed-in admin with a coded 4xx and no gateway call", async () => {
    const cookie = await signInOverHttp(gateway.baseUrl);
    const calls = gateway.mock.callCount;
    const cases: [string, Record<string, string>, unknown, number, string][] = [
      ["not JSON", { cookie }, "{oops", 400, "invalid_request"],
      ["no messages", { cookie }, { group: "chat", messages: [] }, 400, "invalid_request"],
      [
        "a system message",
        { cookie },
        { ...TURN, messages: [{ id: "s", role: "system", parts: [{ type: "text", text: "x" }] }] },
        400,
        "invalid_request",
      ],
      ["an unknown group", { cookie }, { ...TURN, group: "nope" }, 404, "group_not_found"],
      [
        "a form post",
        { cookie, "content-type": "application/x-www-form-urlencoded" },
        "group=chat",
        400,
        "invalid_request",
      ],
    ];
    for (const [what, headers, body, status, code] of cases) {
      const response = await postTurn(gateway.baseUrl, headers, body);
      assert.equal(response.status, status, what);
      assert.deepEqual(await response.json(), { code }, what);
    }
    assert.equal(gateway.mock.callCount, calls);
  });
});
