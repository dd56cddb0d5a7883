import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setProviderEnabled } from "../../db/queries/providers";
import { assertErrorShape, parseJson, startGateway, waitUntil, type Captured, type Gateway } from "../support/seed";

// The happy path of the API: relaying, routing by priority and weight, logging, /v1/models.

const messages = [{ role: "user", content: "Say hello" }];

type Completion = { model: string; choices: { message: { content: string | null; tool_calls?: unknown[] } }[] };

function contentOf(response: Captured): string | null | undefined {
  return parseJson<Completion>(response).choices[0]?.message.content;
}

describe("chat completions and models over HTTP", () => {
  let gw: Gateway;
  let key: string;
  let narrowKey: string;
  let everythingKey: string;

  before(async () => {
    gw = await startGateway({
      async seed(s) {
        await s.group("basic", [{ model: "cb-basic", priceInput: 2, priceOutput: 4, priceCached: 1 }]);
        await s.group("tools", ["cb-tools"]);
        await s.group("priority", [
          { model: "cb-second", priority: 2 },
          { model: "cb-first", priority: 1 },
        ]);
        await s.group("weighted", [
          { model: "cb-heavy", priority: 1, weight: 3 },
          { model: "cb-light", priority: 1, weight: 1 },
          { model: "cb-backup", priority: 2 },
        ]);
        await s.group("live", ["cb-live-a", "cb-live-b"]);
        await s.group("unlisted", ["cb-unlisted"]);
        key = await s.key("app", { groups: ["basic", "tools", "priority", "weighted", "live"] });
        narrowKey = await s.key("narrow", { groups: ["tools"] });
        everythingKey = await s.key("everything", { allGroups: true });
      },
    });
  });

  after(async () => {
    await gw?.stop();
  });

  it("forwards the body unchanged but for model, with the provider's key only, and relays the answer", async () => {
    gw.mock.setBehavior("cb-basic", { usage: { prompt_tokens: 30, completion_tokens: 8, cached_tokens: 10 } });
    const body = {
      model: "basic",
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
      ],
      tools: [
        {
          type: "function",
          function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
        },
      ],
      response_format: { type: "json_object" },
      temperature: 0.2,
      vendor_extension: { nested: [1, "two", null] },
    };
    const response = await gw.chat(key, body, { headers: { "x-custom-client-header": "abc", cookie: "session=1" } });
    assert.equal(response.status, 200);
    assert.match(response.headers["content-type"] ?? "", /^application\/json/);
    // A declared length, not chunked encoding: the answer leaves in one write.
    assert.equal(response.headers["content-length"], String(Buffer.byteLength(response.body)));
    assert.equal(response.headers["transfer-encoding"], undefined);

    assert.equal(gw.mock.callsFor("cb-basic").length, 1);
    const [call] = gw.mock.callsFor("cb-basic");
    assert.equal(call?.path, "/v1/chat/completions");
    assert.deepEqual(call?.body, { ...body, model: "cb-basic" });
    assert.equal(call?.headers.authorization, `Bearer ${gw.canaryKey}`);
    // The default forwarding rule lets custom x-* headers through; cookies never pass.
    assert.equal(call?.headers["x-custom-client-header"], "abc");
    assert.equal(call?.headers.cookie, undefined);
    const upstream = JSON.parse(call?.responseBody ?? "{}") as Record<string, unknown>;
    assert.deepEqual({ ...parseJson<Record<string, unknown>>(response), model: null }, { ...upstream, model: null });

    const [row] = await gw.settle();
    assert.equal(row?.requestId, response.requestId);
    assert.deepEqual(
      [row?.status, row?.isStream, row?.apiKeyName, row?.groupName, row?.providerName],
      [200, false, "app", "basic", "cb-basic"],
    );
    assert.deepEqual(
      [row?.promptTokens, row?.completionTokens, row?.cachedTokens, row?.isUsageEstimated],
      [30, 8, 10, false],
    );
    assert.ok(Math.abs((row?.cost ?? 0) - ((30 - 10) * 2 + 10 * 1 + 8 * 4) / 1_000_000) < 1e-12, `cost ${row?.cost}`);
    assert.ok((row?.latencyMs ?? -1) >= 0);
    assert.deepEqual(
      row?.attempts.map((attempt) => [attempt.providerName, attempt.outcome, attempt.status]),
      [["cb-basic", "ok", 200]],
    );
  });

  it("relays an answer made only of tool calls (not an empty answer)", async () => {
    gw.mock.setBehavior("cb-tools", { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] });
    const response = await gw.chat(key, { model: "tools", messages });
    assert.equal(response.status, 200);
    const message = parseJson<Completion>(response).choices[0]?.message;
    assert.equal(message?.tool_calls?.length, 1);
    assert.equal(gw.mock.callsFor("cb-tools").length, 1);
    const [row] = await gw.settle();
    assert.equal(row?.status, 200);
  });

  it("sends every request to priority 1 while it is healthy", async () => {
    for (let i = 0; i < 5; i++)
      assert.equal(contentOf(await gw.chat(key, { model: "priority", messages })), "Hello from cb-first");
    assert.deepEqual([gw.mock.callsFor("cb-first").length, gw.mock.callsFor("cb-second").length], [5, 0]);
    const rows = await gw.settle();
    assert.ok(rows.every((row) => row.providerName === "cb-first" && row.attempts.length === 1));
  });

  it("shares load among equal priorities by weight, leaving lower priorities idle", async () => {
    for (let i = 0; i < 40; i++) assert.equal((await gw.chat(key, { model: "weighted", messages })).status, 200);
    const heavy = gw.mock.callsFor("cb-heavy").length;
    const light = gw.mock.callsFor("cb-light").length;
    assert.equal(heavy + light, 40);
    // Weight 3:1 over 40 draws: expected 30/10; these bounds fail by chance about once in 10⁴ runs.
    assert.ok(light >= 2 && heavy > light, `heavy ${heavy}, light ${light}`);
    assert.equal(gw.mock.callsFor("cb-backup").length, 0);
    const rows = await gw.settle();
    assert.equal(rows.length, 40);
  });

  it("stops routing to a provider disabled while the server runs, once the change is polled", async () => {
    assert.equal(contentOf(await gw.chat(key, { model: "live", messages })), "Hello from cb-live-a");
    await setProviderEnabled(gw.db, gw.seeder.providerId("cb-live-a"), false);
    await waitUntil(
      async () => contentOf(await gw.chat(key, { model: "live", messages })) === "Hello from cb-live-b",
      3_000,
      "the disabled provider to be left out",
    );
    const callsToA = gw.mock.callsFor("cb-live-a").length;
    for (let i = 0; i < 3; i++)
      assert.equal(contentOf(await gw.chat(key, { model: "live", messages })), "Hello from cb-live-b");
    assert.equal(gw.mock.callsFor("cb-live-a").length, callsToA, "no call after it took effect");
    await gw.settle();
  });

  it("lists exactly the key's groups in OpenAI's list format", async () => {
    const get = (apiKey: string) => gw.send("GET", "/v1/models", undefined, { key: apiKey });
    const listed = (response: Captured) =>
      parseJson<{ object: string; data: { id: string; object: string; owned_by: string }[] }>(response);
    const callsBefore = gw.mock.callCount;
    const mine = await get(key);
    assert.equal(mine.status, 200);
    assert.match(mine.headers["content-type"] ?? "", /^application\/json/);
    assert.equal(listed(mine).object, "list");
    assert.deepEqual(
      listed(mine)
        .data.map((model) => model.id)
        .sort(),
      ["basic", "live", "priority", "tools", "weighted"],
    );
    for (const model of listed(mine).data) assert.equal(model.object, "model");
    assert.deepEqual(
      listed(await get(narrowKey)).data.map((model) => model.id),
      ["tools"],
    );
    assert.deepEqual(
      listed(await get(everythingKey))
        .data.map((model) => model.id)
        .sort(),
      ["basic", "live", "priority", "tools", "unlisted", "weighted"],
    );
    assertErrorShape(await gw.send("GET", "/v1/models", undefined), 401, "invalid_api_key");
    assertErrorShape(await get(`sk-${"q".repeat(48)}`), 401, "invalid_api_key");
    assert.equal(gw.mock.callCount, callsBefore, "listing models calls no provider");
    await gw.settle();
  });
});
