import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI, { BadRequestError } from "openai";
import { startGateway, waitForLogRow, type Gateway } from "../support/seed";

// Embeddings, moderations and rerank through groups: the official SDK against the mock, failover
// before the answer is relayed, usage and cost in the log row, bad input named by field.

describe("embeddings, moderations, rerank and image generation", () => {
  let gw: Gateway;
  let key: string;
  let client: OpenAI;

  before(async () => {
    gw = await startGateway({
      async seed(s, mock) {
        await s.endpoint("anthropic-mock", mock.url, undefined, { protocol: "anthropic" });
        // An Anthropic member has none of these APIs: it is never asked.
        await s.group("embed", [
          { model: "em-claude", endpoint: "anthropic-mock", kinds: ["embeddings"] },
          { model: "em-small", priceInput: 0.02, kinds: ["embeddings"] },
          { model: "em-backup", priority: 3, kinds: ["embeddings"] },
        ]);
        await s.group("moderation", ["omni-moderation"]);
        await s.group("moderation-backup", [{ model: "mod-down", kinds: ["moderation"] }, "omni-moderation"]);
        await s.group("rerank", ["jina-rerank"]);
        await s.group("image", [{ model: "img-down", kinds: ["images"] }, "gpt-image"]);
        key = await s.key("rag-app", { groups: ["embed", "moderation", "moderation-backup", "rerank", "image"] });
      },
    });
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  });

  after(async () => {
    await gw?.stop();
  });

  it("embeds through a group: the SDK's base64 default decoded, float on request, usage and cost logged", async () => {
    gw.mock.setBehavior("em-small", { usage: { prompt_tokens: 1000 } });
    const { data: base64, response } = await client.embeddings
      .create({ model: "embed", input: ["first", "second"] })
      .withResponse();
    assert.deepEqual(
      base64.data.map((item) => item.embedding),
      [
        [0.125, 0.25, 0.375, 0.5],
        [0.25, 0.5, 0.75, 1],
      ],
    );
    const call = gw.mock.callsFor("em-small").at(-1)!;
    assert.equal(call.path, "/v1/embeddings");
    assert.equal((call.body as { encoding_format?: string }).encoding_format, "base64");
    assert.equal(gw.mock.callsFor("em-claude").length, 0);
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual(
      [row.api, row.providerName, row.promptTokens, row.isUsageEstimated],
      ["embeddings", "em-small", 1000, false],
    );
    assert.ok(Math.abs(row.cost - (0.02 * 1000) / 1e6) < 1e-15, `cost ${row.cost}`);

    const float = await client.embeddings.create({
      model: "embed",
      input: "one",
      encoding_format: "float",
      dimensions: 2,
    });
    assert.deepEqual(float.data[0]!.embedding, [0.125, 0.25]);
    assert.equal(float.usage.prompt_tokens, 1000);
  });

  it("fails over to the next provider before anything is relayed", async () => {
    gw.mock.setBehavior("em-small", { status: 503 });
    gw.mock.setBehavior("em-backup", {});
    const { data, response } = await client.embeddings.create({ model: "embed", input: "hello" }).withResponse();
    assert.equal(data.data.length, 1);
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual(
      row.attempts.map((attempt) => [attempt.providerName, attempt.status, attempt.outcome]),
      [
        ["em-small", 503, "failed"],
        ["em-backup", 200, "ok"],
      ],
    );
    // A 200 without its list is a broken answer, not a result.
    gw.mock.setBehavior("em-small", { body: { object: "list", data: [] } });
    const rescued = await client.embeddings.create({ model: "embed", input: "again" });
    assert.equal(rescued.data.length, 1);
    gw.mock.setBehavior("em-small", {});
  });

  it("moderates through a group, with the usage estimated from the input", async () => {
    gw.mock.setBehavior("omni-moderation", { text: "flagged" });
    const { data, response } = await client.moderations
      .create({ model: "moderation", input: "something rude" })
      .withResponse();
    assert.equal(data.results[0]!.flagged, true);
    assert.equal(gw.mock.callsFor("omni-moderation").at(-1)!.path, "/v1/moderations");
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.equal(row.api, "moderations");
    assert.equal(row.isUsageEstimated, true);
    assert.ok(row.promptTokens > 0);

    gw.mock.setBehavior("mod-down", { status: 503 });
    const rescued = await client.moderations.create({ model: "moderation-backup", input: "fine" }).withResponse();
    assert.equal(rescued.data.results.length, 1);
    const failover = await waitForLogRow(gw.db, rescued.response.headers.get("x-request-id")!);
    assert.deepEqual(
      failover.attempts.map((attempt) => [attempt.providerName, attempt.outcome]),
      [
        ["mod-down", "failed"],
        ["omni-moderation", "ok"],
      ],
    );
  });

  it("reranks in the Cohere/Jina shape, counting total_tokens as input", async () => {
    const response = await fetch(`${gw.baseUrl}/v1/rerank`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "rerank",
        query: "capital of France",
        documents: ["Paris", "Berlin", "Rome"],
        top_n: 2,
      }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { results: { index: number; relevance_score: number }[] };
    assert.deepEqual(
      body.results.map((result) => result.index),
      [0, 1],
    );
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual([row.api, row.promptTokens, row.isUsageEstimated], ["rerank", 28, false]);
  });

  it("generates images through a group, failing over, with the image model's token usage", async () => {
    gw.mock.setBehavior("img-down", { status: 500 });
    gw.mock.setBehavior("gpt-image", { usage: { prompt_tokens: 20, completion_tokens: 4160 } });
    const { data, response } = await client.images
      .generate({ model: "image", prompt: "a lighthouse at dusk", n: 2, response_format: "b64_json" })
      .withResponse();
    assert.deepEqual(
      data.data?.map((image) => Buffer.from(image.b64_json ?? "", "base64").toString()),
      ["mock image 0", "mock image 1"],
    );
    assert.equal(gw.mock.callsFor("gpt-image").at(-1)!.path, "/v1/images/generations");
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual(
      [row.api, row.providerName, row.promptTokens, row.completionTokens, row.attempts.length],
      ["images", "gpt-image", 20, 4160, 2],
    );
  });

  it("refuses bad bodies with OpenAI's 400 naming the field, and a wrong method with 405", async () => {
    for (const [call, param] of [
      [() => client.embeddings.create({ model: "embed", input: [] }), "input"],
      [
        () => client.embeddings.create({ model: "embed", input: "x", encoding_format: "hex" as "float" }),
        "encoding_format",
      ],
      [() => client.moderations.create({ model: "moderation", input: 42 as unknown as string }), "input"],
      [() => client.images.generate({ model: "image", prompt: "" }), "prompt"],
    ] as const) {
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof BadRequestError);
        assert.equal(error.param, param);
        return true;
      });
    }
    const missing = await gw.send("POST", "/v1/rerank", JSON.stringify({ model: "rerank", query: "q" }), { key });
    assert.equal(missing.status, 400);
    assert.equal(JSON.parse(missing.body).error.message, "`documents` is required.");
    const wrongMethod = await gw.send("GET", "/v1/moderations", undefined, { key });
    assert.deepEqual([wrongMethod.status, wrongMethod.headers.allow], [405, "POST"]);
  });
});
