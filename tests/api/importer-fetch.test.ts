import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { createOutboundClient } from "../../lib/http/outbound";
import {
  FETCH_MAX_BYTES,
  FETCH_TIMEOUT_MS,
  fetchModelList,
  MAX_LISTED_MODELS,
  ModelFetchError,
  type ModelFetchProblem,
} from "../../lib/importer/fetch-models";
import { MODELS_LIST, startMockProvider, type JsonValue, type MockProvider } from "../support/mock-provider";

/*
 * The importer's model listing over real HTTP, through the one outbound client, against the
 * mock provider on 127.0.0.1: base URL spellings, hostile and broken answers, size and time
 * limits, and addresses that must never be reached.
 */

const KEY = "sk-importer-canary-5f3a9c";

describe("importer: listing an endpoint's models", () => {
  let mock: MockProvider;
  const client = createOutboundClient();
  const origin = () => mock.url.replace(/\/v1$/, "");

  before(async () => {
    mock = await startMockProvider();
  });
  beforeEach(() => mock.reset());
  after(async () => {
    client.destroy();
    await mock.close();
  });

  async function rejectsWith(
    promise: Promise<unknown>,
    problem: ModelFetchProblem,
    status: number | null = null,
  ): Promise<ModelFetchError> {
    let caught: unknown;
    await assert.rejects(promise, (error) => {
      caught = error;
      return true;
    });
    assert.ok(caught instanceof ModelFetchError, `expected a ModelFetchError, got ${String(caught)}`);
    assert.equal(caught.problem, problem);
    assert.equal(caught.status, status);
    assert.ok(!caught.message.includes(KEY), "the key is never part of an error");
    assert.ok(!caught.message.includes("127.0.0.1"), "nor the address");
    return caught;
  }

  it("lists models from a base URL with /v1, sending the key as a bearer token", async () => {
    mock.setModels(["gpt-4o", "claude-3-5-sonnet", "text-embedding-3-small"]);
    const list = await fetchModelList(client.getJson, mock.url, KEY);
    assert.equal(list.baseUrl, mock.url);
    assert.deepEqual(
      list.models.map((model) => model.id),
      ["claude-3-5-sonnet", "gpt-4o", "text-embedding-3-small"],
    );
    assert.equal(list.models[0]?.ownedBy, "mock");
    const call = mock.calls.at(-1);
    assert.equal(call?.path, "/v1/models");
    assert.equal(call?.method, "GET");
    assert.equal(call?.headers.authorization, `Bearer ${KEY}`);
  });

  it("lists an Anthropic endpoint's models with x-api-key and anthropic-version, from Anthropic's list shape", async () => {
    mock.setModels(["claude-sonnet-4-5", "claude-haiku-4-5"]);
    const list = await fetchModelList(client.getJson, origin(), KEY, { protocol: "anthropic" });
    assert.equal(list.baseUrl, mock.url);
    assert.deepEqual(
      list.models.map((model) => model.id),
      ["claude-haiku-4-5", "claude-sonnet-4-5"],
    );
    const call = mock.calls.at(-1);
    assert.equal(call?.path, "/v1/models");
    assert.equal(call?.url, "/v1/models?limit=1000");
    assert.equal(call?.headers["x-api-key"], KEY);
    assert.equal(call?.headers["anthropic-version"], "2023-06-01");
    assert.equal(call?.headers.authorization, undefined);
  });

  it("accepts the base URL without /v1 and with a trailing slash, and reports the one that answered", async () => {
    mock.setModels(3);
    for (const input of [origin(), `${origin()}/`, `${mock.url}/`, `${mock.url}/models`]) {
      const list = await fetchModelList(client.getJson, input, KEY);
      assert.equal(list.baseUrl, mock.url, input);
      assert.equal(list.models.length, 3);
    }
    assert.ok(mock.calls.every((call) => call.path === "/v1/models"));
  });

  it("explains an HTML page instead of a list (with and without /v1)", async () => {
    mock.setBehavior(MODELS_LIST, {
      html: "<!doctype html><html><body><h1>Welcome to nginx</h1><script>alert(1)</script></body></html>",
    });
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY), "notJson");
    // Without /v1 both candidate addresses are tried; the first one's answer explains it.
    await rejectsWith(fetchModelList(client.getJson, origin(), KEY), "notJson");
    assert.equal(mock.callCount, 3);
  });

  it("explains JSON that is not a model list, and broken JSON", async () => {
    mock.setBehavior(MODELS_LIST, { body: { hello: "world" } });
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY), "notAModelList");
    mock.setBehavior(MODELS_LIST, { body: '{"data": [', contentType: "application/json" });
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY), "invalidJson");
  });

  it("reports the upstream refusing the key with its status, never echoing it", async () => {
    mock.setBehavior(MODELS_LIST, { status: 401, error: { message: `Incorrect API key provided: ${KEY}` } });
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY), "upstreamUnauthorized", 401);
    mock.setBehavior(MODELS_LIST, { status: 403 });
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY), "upstreamUnauthorized", 403);
    mock.setBehavior(MODELS_LIST, { status: 503 });
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY), "upstreamError", 503);
    mock.setBehavior(MODELS_LIST, { status: 502, html: "<h1>Bad gateway</h1>" });
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY), "upstreamError", 502);
  });

  it("reads a 10 MB list with rich entries and keeps only what it needs", async () => {
    const description = "A capable model. ".repeat(150);
    const data: JsonValue[] = Array.from({ length: 4_000 }, (_, index) => ({
      id: `vendor-${index % 9}/model-${index}`,
      object: "model",
      created: 1_700_000_000 + index,
      owned_by: `vendor-${index % 9}`,
      description,
      pricing: { prompt: "0.000001", completion: "0.000002" },
      architecture: { modality: "text->text", tokenizer: "Other" },
    }));
    const body = { object: "list", data };
    const size = Buffer.byteLength(JSON.stringify(body));
    assert.ok(size > 10 * 1024 * 1024 && size < FETCH_MAX_BYTES, `the list is ${size} bytes`);
    mock.setBehavior(MODELS_LIST, { body });
    const started = performance.now();
    const list = await fetchModelList(client.getJson, mock.url, KEY);
    const elapsed = performance.now() - started;
    assert.equal(list.models.length, 4_000);
    assert.deepEqual(Object.keys(list.models[0] ?? {}).sort(), ["created", "id", "ownedBy"]);
    assert.ok(elapsed < 5_000, `took ${elapsed.toFixed(0)} ms`);
  });

  it("refuses a list over the size limit while it streams in", async () => {
    const padding = "x".repeat(1_000);
    const data: JsonValue[] = Array.from({ length: 3_000 }, (_, index) => ({ id: `m-${index}`, padding }));
    mock.setBehavior(MODELS_LIST, { body: { data } });
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY, { maxBytes: 1024 * 1024 }), "tooLarge");
    assert.equal(FETCH_MAX_BYTES, 20 * 1024 * 1024);
  });

  it("refuses more models than the importer handles", async () => {
    mock.setModels(MAX_LISTED_MODELS + 1);
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY), "tooManyModels");
  });

  it("gives up on a hanging upstream after the time limit and closes the connection", async () => {
    mock.setBehavior(MODELS_LIST, { hang: true });
    const started = performance.now();
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY, { timeoutMs: 600 }), "timeout");
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 550 && elapsed < 5_000, `gave up after ${elapsed.toFixed(0)} ms`);
    await mock.waitFor(
      () => mock.activeRequests === 0,
      5_000,
      () => `${mock.activeRequests} requests still open`,
    );
    // Without /v1 the two tries share one budget instead of doubling the wait.
    const shared = performance.now();
    await rejectsWith(fetchModelList(client.getJson, origin(), KEY, { timeoutMs: 600 }), "timeout");
    assert.ok(performance.now() - shared < 1_500);
    assert.equal(FETCH_TIMEOUT_MS, 15_000);
  });

  it("refuses cloud metadata addresses in every spelling, with or without /v1, without connecting", async () => {
    for (const url of [
      "http://169.254.169.254/v1",
      "http://169.254.169.254",
      "http://169.254.169.254/latest/meta-data/",
      "http://2852039166/v1",
      "http://0xA9FEA9FE/v1",
      "http://[::ffff:169.254.169.254]/v1",
      "http://[fd00:ec2::254]/v1",
      "http://100.100.100.200/v1",
    ]) {
      await rejectsWith(fetchModelList(client.getJson, url, KEY), "addressBlocked");
    }
  });

  it("re-checks redirects: a hop to a metadata address is refused", async () => {
    mock.setBehavior(MODELS_LIST, { redirectTo: "http://169.254.169.254/latest/meta-data/" });
    await rejectsWith(fetchModelList(client.getJson, mock.url, KEY), "addressBlocked");
  });

  it("recognises the outbound client's errors when they come from another bundle's copy of its class", async () => {
    // Next builds the process state (and so the outbound client) in another bundle than the action.
    class OutboundError extends Error {
      constructor(
        readonly code: string,
        readonly status: number | null = null,
      ) {
        super(code);
        this.name = "OutboundError";
      }
    }
    const throwing = (error: Error) => async () => {
      throw error;
    };
    await rejectsWith(
      fetchModelList(throwing(new OutboundError("address_blocked")), "http://10.0.0.1/v1", KEY),
      "addressBlocked",
    );
    await rejectsWith(
      fetchModelList(throwing(new OutboundError("http_error", 401)), "http://10.0.0.1/v1", KEY),
      "upstreamUnauthorized",
      401,
    );
    await rejectsWith(
      fetchModelList(throwing(new OutboundError("something_else")), "http://10.0.0.1/v1", KEY),
      "connectionFailed",
    );
  });

  it("refuses other schemes and credentials in the URL, and explains a closed port", async () => {
    await rejectsWith(fetchModelList(client.getJson, "file:///etc/passwd", KEY), "invalidUrl");
    await rejectsWith(fetchModelList(client.getJson, "not a url", KEY), "invalidUrl");
    await rejectsWith(
      fetchModelList(client.getJson, `http://user:pass@127.0.0.1:${mock.port}/v1`, KEY),
      "credentialsInUrl",
    );
    await rejectsWith(fetchModelList(client.getJson, "http://127.0.0.1:9/v1", KEY), "connectionRefused");
  });
});
