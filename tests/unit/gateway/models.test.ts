import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { handleListModels } from "../../../lib/gateway/models";
import { createFakeUpstream } from "./fake-upstream";
import { CLIENT_KEY, makeProvider, makeRuntime, makeSnapshot } from "./gateway-fixture";

function setup() {
  const snapshot = makeSnapshot({
    providers: [makeProvider(1)],
    members: [{ providerId: 1, priority: 1, weight: 1 }],
    extraGroups: [
      { id: 2, name: "beta", members: [] },
      { id: 3, name: "alpha", members: [] },
    ],
    keys: [
      { key: CLIENT_KEY, config: { groupIds: new Set([1, 3]) } },
      { key: "sk-all-groups", config: { allGroups: true, groupIds: new Set() } },
    ],
  });
  return makeRuntime(snapshot, createFakeUpstream({}).send);
}

function listRequest(key: string | null): Request {
  return new Request("http://gateway.test/v1/models", { headers: key ? { authorization: `Bearer ${key}` } : {} });
}

describe("GET /v1/models", () => {
  it("lists exactly the groups the key may call, sorted by name", async () => {
    const { runtime } = setup();
    const response = await handleListModels(listRequest(CLIENT_KEY), runtime);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.match(response.headers.get("x-request-id") ?? "", /^req_/);
    const body = (await response.json()) as {
      object: string;
      data: { id: string; object: string; created: number; owned_by: string }[];
    };
    assert.equal(body.object, "list");
    assert.deepEqual(
      body.data.map((model) => model.id),
      ["alpha", "chat"],
    );
    for (const model of body.data) {
      assert.equal(model.object, "model");
      assert.equal(model.owned_by, "gateway");
      assert.ok(Number.isInteger(model.created));
    }
  });

  it("lists every group for a key allowed all groups, with stable created values", async () => {
    const { runtime } = setup();
    const first = (await (await handleListModels(listRequest("sk-all-groups"), runtime)).json()) as {
      data: { id: string; created: number }[];
    };
    const second = (await (await handleListModels(listRequest("sk-all-groups"), runtime)).json()) as {
      data: { id: string; created: number }[];
    };
    assert.deepEqual(
      first.data.map((model) => model.id),
      ["alpha", "beta", "chat"],
    );
    assert.deepEqual(first, second);
  });

  it("answers the shared 401 without a valid key", async () => {
    const { runtime } = setup();
    for (const key of [null, "sk-nope"]) {
      const response = await handleListModels(listRequest(key), runtime);
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, "invalid_api_key");
    }
  });
});
