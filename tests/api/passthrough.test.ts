import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI, { NotFoundError } from "openai";
import { parseJson, startGateway, type Gateway } from "../support/seed";

// What reaches the upstream, byte for byte and header by header, recorded by the mock.

describe("passthrough fidelity over HTTP", () => {
  let gw: Gateway;
  let key: string;
  let narrowKey: string;

  before(async () => {
    gw = await startGateway({
      async seed(s, mock) {
        await s.endpoint("strict", mock.url, undefined, { forwardHeaders: ["x-title"], streamUsage: false });
        await s.group("pt", ["pt-model"]);
        await s.group("pt-strict", [{ model: "pt-strict-model", endpoint: "strict" }]);
        await s.group("pt/slashed", ["pt-slashed-model"]);
        key = await s.key("pt-app", { groups: ["pt", "pt-strict", "pt/slashed"] });
        narrowKey = await s.key("pt-narrow", { groups: ["pt-strict"] });
      },
    });
  });

  after(async () => {
    await gw?.stop();
  });

  it("forwards the body byte for byte but for model: big integers, 1.0, escapes, key order, spacing", async () => {
    const text =
      '{"temperature":1.0, "seed":12345678901234567890,\n "messages":[{"content":"caf\\u00e9 \\ud83d\\ude00 \\/","role":"user"}],' +
      '  "model" : "pt", "zeta":{"model":"nested","n":1e2}, "alpha":-0.0}';
    const response = await gw.send("POST", "/v1/chat/completions", text, { key });
    assert.equal(response.status, 200, response.body);
    const [call] = gw.mock.callsFor("pt-model");
    assert.equal(call?.rawBody, text.replace('"model" : "pt"', '"model" : "pt-model"'));
    await gw.settle();
  });

  it("forwards the allowed client headers and never credentials, cookies or hop-by-hop headers", async () => {
    const headers = {
      "user-agent": "my-app/1.2",
      "openai-beta": "assistants=v2",
      "openai-organization": "org-123",
      "openai-project": "proj-9",
      "anthropic-beta": "prompt-caching-2024-07-31",
      "http-referer": "https://app.example",
      "x-title": "My App",
      "x-trace-id": "trace-1",
      cookie: "session=secret",
      "x-api-key": "sk-not-for-upstream",
      "x-forwarded-for": "10.1.2.3",
    };
    const body = JSON.stringify({ model: "pt", messages: [{ role: "user", content: "hi" }] });
    assert.equal((await gw.send("POST", "/v1/chat/completions", body, { key, headers })).status, 200);
    const call = gw.mock.callsFor("pt-model").at(-1)!;
    for (const name of [
      "user-agent",
      "openai-beta",
      "openai-organization",
      "openai-project",
      "anthropic-beta",
      "http-referer",
      "x-title",
      "x-trace-id",
    ]) {
      assert.equal(call.headers[name], headers[name as keyof typeof headers], name);
    }
    for (const name of ["cookie", "x-api-key", "x-forwarded-for", "x-request-id"])
      assert.equal(call.headers[name], undefined, name);
    assert.equal(call.headers.authorization, `Bearer ${gw.canaryKey}`, "the endpoint's key, not the client's");

    assert.equal(
      (await gw.send("POST", "/v1/chat/completions", body.replace('"pt"', '"pt-strict"'), { key, headers })).status,
      200,
    );
    const strict = gw.mock.callsFor("pt-strict-model").at(-1)!;
    assert.equal(strict.headers["x-title"], "My App", "the endpoint's own list");
    assert.notEqual(strict.headers["user-agent"], "my-app/1.2");
    assert.equal(strict.headers["x-trace-id"], undefined);
    await gw.settle();
  });

  it("keeps a client's include_usage choice; asks for usage only where the endpoint takes it", async () => {
    const stream = (model: string, options?: object) =>
      JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "hi" }], ...options });
    const explicit = stream("pt", { stream_options: { include_usage: false } });
    const answer = await gw.send("POST", "/v1/chat/completions", explicit, { key });
    assert.equal(answer.status, 200);
    assert.equal(gw.mock.callsFor("pt-model").at(-1)?.rawBody, explicit.replace('"pt"', '"pt-model"'));
    assert.ok(!answer.body.includes('"usage":{'), "no usage chunk reaches a client that declined it");

    await gw.send("POST", "/v1/chat/completions", stream("pt"), { key });
    assert.equal(
      gw.mock.callsFor("pt-model").at(-1)?.rawBody,
      `{"stream_options":{"include_usage":true},${stream("pt-model").slice(1)}`,
      "asked for, the endpoint takes stream_options",
    );
    await gw.send("POST", "/v1/chat/completions", stream("pt-strict"), { key });
    assert.equal(
      gw.mock.callsFor("pt-strict-model").at(-1)?.rawBody,
      stream("pt-strict-model"),
      "off for this endpoint",
    );
    await gw.settle();
  });

  it("accepts the gateway key from x-api-key as well as Authorization: Bearer", async () => {
    const models = await gw.send("GET", "/v1/models", undefined, { key: null, headers: { "x-api-key": key } });
    assert.equal(models.status, 200);
    const ids = parseJson<{ data: { id: string }[] }>(models).data.map((model) => model.id);
    assert.deepEqual(ids, ["pt", "pt-strict", "pt/slashed"]);
    const wrong = await gw.send("GET", "/v1/models", undefined, { key: null, headers: { "x-api-key": "sk-wrong" } });
    assert.equal(wrong.status, 401);
    assert.match(parseJson<{ error: { message: string } }>(wrong).error.message, /x-api-key/);
    const both = await gw.send("GET", "/v1/models", undefined, { key: narrowKey, headers: { "x-api-key": key } });
    assert.deepEqual(
      parseJson<{ data: { id: string }[] }>(both).data.map((model) => model.id),
      ["pt-strict"],
      "Bearer wins",
    );
  });

  it("retrieves a model the key may call through the openai SDK, and 404s the rest alike", async () => {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    assert.deepEqual(await client.models.retrieve("pt"), {
      id: "pt",
      object: "model",
      created: 1_704_067_200,
      owned_by: "gateway",
    });
    assert.equal((await client.models.retrieve("pt/slashed")).id, "pt/slashed");
    const narrow = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: narrowKey, maxRetries: 0 });
    for (const [caller, id] of [
      [client, "no-such-group"],
      [narrow, "pt"],
    ] as const) {
      await assert.rejects(caller.models.retrieve(id), (error: unknown) => {
        assert.ok(error instanceof NotFoundError);
        assert.equal((error as NotFoundError).code, "model_not_found");
        return true;
      });
    }
  });
});
