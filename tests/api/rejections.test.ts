import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { startMockProvider, type MockProvider } from "../support/mock-provider";
import { rawPost } from "../support/raw-post";
import { assertErrorShape, parseJson, sleep, startGateway, type Captured, type Gateway } from "../support/seed";

// RELIABILITY A: requests the gateway must refuse before any provider is called.

const LIMIT = 65_536;
const messages = [{ role: "user", content: "hi" }];

describe("requests refused before any provider is called (RELIABILITY A)", () => {
  let gw: Gateway;
  let evil: MockProvider;
  let key: string;
  let disabledKey: string;
  let expiredKey: string;

  before(async () => {
    evil = await startMockProvider();
    gw = await startGateway({
      env: { MAX_REQUEST_BYTES: String(LIMIT) },
      async seed(s) {
        await s.endpoint("elsewhere", evil.url);
        await s.group("allowed", ["rej-allowed"]);
        await s.group("secret", [{ model: "rej-secret", endpoint: "elsewhere" }]);
        key = await s.key("client", { groups: ["allowed"] });
        disabledKey = await s.key("disabled", { groups: ["allowed"], isEnabled: false });
        expiredKey = await s.key("expired", { groups: ["allowed"], expiresAt: Date.now() - 60_000 });
      },
    });
    gw.hiddenPorts.push(evil.port);
  });

  beforeEach(() => {
    gw.mock.reset();
    evil.reset();
  });

  after(async () => {
    await gw?.stop();
    await evil?.close();
  });

  /** Every case: the provider was never called and the one row carries the refusal. */
  async function expectRefused(responses: Captured[], status: number): Promise<void> {
    const rows = await gw.settle();
    assert.equal(rows.length, responses.length);
    for (const row of rows) {
      assert.equal(row.status, status);
      assert.deepEqual(row.attempts, [], "no provider attempted");
    }
    assert.equal(gw.mock.callCount, 0, "the provider was not called");
    assert.equal(evil.callCount, 0);
  }

  it("answers malformed JSON with 400 invalid_json", async () => {
    const response = await gw.chat(key, '{"model":"allowed","messages":[');
    const error = assertErrorShape(response, 400, "invalid_json");
    assert.equal(error.type, "invalid_request_error");
    assert.equal(response.headers["content-length"], String(Buffer.byteLength(response.body)));
    await expectRefused([response], 400);
  });

  it("answers a body that is not JSON, or JSON that is not an object, with 400", async () => {
    const text = await gw.chat(key, "model=allowed&messages=hi", { headers: { "content-type": "text/plain" } });
    const array = await gw.chat(key, "[1,2,3]");
    const empty = await gw.chat(key, "");
    for (const response of [text, array, empty]) assertErrorShape(response, 400, "invalid_json");
    await expectRefused([text, array, empty], 400);
  });

  it("answers a body over the limit with a Content-Length with 413 before reading it", async () => {
    const body = Buffer.from(
      JSON.stringify({ model: "allowed", messages: [{ role: "user", content: "x".repeat(LIMIT) }] }),
    );
    const response = await rawPost(
      `${gw.baseUrl}/v1/chat/completions`,
      { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": String(body.length) },
      async (send) => {
        send(body);
      },
    );
    assertErrorShape(response, 413, "request_too_large");
    gw.track(response.requestId, response);
    await expectRefused([response], 413);
  });

  it("answers a chunked body without Content-Length with 413 while it is still streaming in", async () => {
    const piece = Buffer.alloc(8_192, 0x61);
    const response = await rawPost(
      `${gw.baseUrl}/v1/chat/completions`,
      { authorization: `Bearer ${key}`, "content-type": "application/json", "transfer-encoding": "chunked" },
      async (send) => {
        send(Buffer.from('{"model":"allowed","messages":[{"role":"user","content":"'));
        // Past the limit, then keep the upload open for up to 5 s: a refusal must not wait for its end.
        for (let sent = 0; sent < LIMIT + 2 * piece.length; sent += piece.length) if (!send(piece)) return;
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline) {
          await sleep(50);
          if (!send(piece)) return;
        }
      },
    );
    assert.ok(response.wasAnsweredEarly, "refused before the upload ended");
    assertErrorShape(response, 413, "request_too_large");
    gw.track(response.requestId, response);
    await expectRefused([response], 413);
  });

  it("answers schema errors with 400 and names the offending param", async () => {
    const cases: [unknown, string][] = [
      [{ model: "allowed" }, "messages"],
      [{ model: "allowed", messages: "hi" }, "messages"],
      [{ model: "allowed", messages, stream: "yes" }, "stream"],
      [{ model: "allowed", messages, max_tokens: -5 }, "max_tokens"],
      [{ messages }, "model"],
    ];
    const responses: Captured[] = [];
    for (const [body, param] of cases) {
      const response = await gw.chat(key, body);
      const error = assertErrorShape(response, 400, "invalid_request");
      assert.equal(error.param, param, `param for ${JSON.stringify(body)}`);
      assert.equal(error.type, "invalid_request_error");
      responses.push(response);
    }
    await expectRefused(responses, 400);
  });

  it("answers a missing, malformed, unknown, disabled or expired key with one identical 401", async () => {
    const unknownKey = `sk-${"Z".repeat(48)}`;
    const body = { model: "allowed", messages };
    const attempts: [string, Record<string, string>][] = [
      ["missing", {}],
      ["not bearer", { authorization: `Basic ${Buffer.from(`user:${key}`).toString("base64")}` }],
      ["empty bearer", { authorization: "Bearer " }],
      ["two tokens", { authorization: `Bearer ${key} extra` }],
      ["huge", { authorization: `Bearer sk-${"a".repeat(5_000)}` }],
      ["unknown", { authorization: `Bearer ${unknownKey}` }],
      ["disabled", { authorization: `Bearer ${disabledKey}` }],
      ["expired", { authorization: `Bearer ${expiredKey}` }],
    ];
    const responses: Captured[] = [];
    for (const [label, headers] of attempts) {
      const response = await gw.chat(null, body, { headers });
      assertErrorShape(response, 401, "invalid_api_key");
      for (const secret of [key, disabledKey, expiredKey, unknownKey]) {
        assert.ok(!response.body.includes(secret.slice(3, 20)), `${label}: the key is not echoed`);
      }
      responses.push(response);
    }
    const bodies = new Set(responses.map((response) => response.body));
    assert.equal(bodies.size, 1, `one identical 401 body, got ${[...bodies].join(" | ")}`);
    const headerSets = new Set(
      responses.map((r) =>
        JSON.stringify(
          Object.keys(r.headers)
            .filter((h) => h !== "date")
            .sort(),
        ),
      ),
    );
    assert.equal(headerSets.size, 1, "the same headers too");
    await expectRefused(responses, 401);
  });

  it("answers an unknown group and a group outside the key's list with the same 404", async () => {
    const unknown = await gw.chat(key, { model: "no-such-group", messages });
    const forbidden = await gw.chat(key, { model: "secret", messages });
    const byUpstreamId = await gw.chat(key, { model: "rej-secret", messages });
    const errors = [unknown, forbidden, byUpstreamId].map((response) =>
      assertErrorShape(response, 404, "model_not_found"),
    );
    for (const error of errors) assert.equal(error.param, "model");
    const unknownShape = unknown.body.replaceAll("no-such-group", "NAME");
    assert.equal(
      forbidden.body.replaceAll("secret", "NAME"),
      unknownShape,
      "nothing tells a real group from an unknown one",
    );
    assert.equal(byUpstreamId.body.replaceAll("rej-secret", "NAME"), unknownShape);
    await expectRefused([unknown, forbidden, byUpstreamId], 404);
  });

  it("never lets body, query or headers pick an upstream outside the key's groups", async () => {
    const secretId = gw.seeder.providerId("rej-secret");
    const body = {
      model: "allowed",
      messages,
      api_base: evil.url,
      base_url: evil.url,
      provider: "rej-secret",
      provider_id: secretId,
      extra_body: { api_base: evil.url },
    };
    const headers = {
      "x-api-base": evil.url,
      "x-base-url": evil.url,
      "openai-base-url": evil.url,
      "x-provider": "rej-secret",
      "x-provider-id": String(secretId),
      "x-portkey-custom-host": evil.url,
      "x-portkey-config": JSON.stringify({ targets: [{ custom_host: evil.url }] }),
    };
    const query = `?api_base=${encodeURIComponent(evil.url)}&base_url=${encodeURIComponent(evil.url)}&provider=rej-secret`;
    const response = await gw.chat(key, body, { headers, query });

    assert.equal(response.status, 200, response.body);
    assert.equal(
      parseJson<{ choices: { message: { content: string } }[] }>(response).choices[0]?.message.content,
      "Hello from rej-allowed",
    );
    assert.equal(evil.callCount, 0, "the other upstream never saw a request");
    const [call] = gw.mock.calls;
    assert.equal(gw.mock.callCount, 1);
    assert.equal(call?.model, "rej-allowed");
    assert.equal(call?.path, "/v1/chat/completions", "the provider's own path, no client query");
    assert.equal(call?.url, "/v1/chat/completions");
    assert.equal(call?.headers.authorization, `Bearer ${gw.canaryKey}`, "the provider's key, not the client's");
    // x-* headers may reach the chosen upstream as opaque headers (the forwarding rule); none of
    // them is ever read to choose the upstream, its URL or its key.
    assert.deepEqual(
      call?.body,
      { ...body, model: "rej-allowed" },
      "unknown fields forwarded as sent, only model replaced",
    );

    const [row] = await gw.settle();
    assert.equal(row?.status, 200);
    assert.deepEqual(
      row?.attempts.map((attempt) => [attempt.providerName, attempt.outcome]),
      [["rej-allowed", "ok"]],
    );
  });
});
