import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileHeaderRule, DEFAULT_HEADER_RULE, pickForwardedHeaders } from "../../../lib/gateway/forward-headers";

const client = new Headers({
  "user-agent": "openai-node/6",
  "openai-beta": "assistants=v2",
  "openai-organization": "org-1",
  "anthropic-beta": "tools-2024",
  "http-referer": "https://app.example",
  "x-title": "My App",
  "x-custom-trace": "t1",
  "x-stainless-lang": "js",
  authorization: "Bearer sk-client",
  "x-api-key": "sk-client",
  cookie: "session=1",
  connection: "keep-alive",
  "transfer-encoding": "chunked",
  "x-forwarded-for": "10.0.0.1",
  "x-request-id": "req_client",
  "x-gateway-debug": "1",
  "accept-encoding": "gzip",
  "proxy-authorization": "Basic x",
  "sec-fetch-mode": "cors",
});

describe("client header forwarding", () => {
  it("forwards the default list and x-* headers, never credentials, hop-by-hop or the gateway's own", () => {
    assert.deepEqual(pickForwardedHeaders(client, DEFAULT_HEADER_RULE), {
      "anthropic-beta": "tools-2024",
      "http-referer": "https://app.example",
      "openai-beta": "assistants=v2",
      "openai-organization": "org-1",
      "user-agent": "openai-node/6",
      "x-custom-trace": "t1",
      "x-stainless-lang": "js",
      "x-title": "My App",
    });
  });

  it("follows an endpoint's own list, and no list can let forbidden headers through", () => {
    const rule = compileHeaderRule(["User-Agent", "x-custom-*", "authorization", "cookie", "x-api-key", "*"]);
    const picked = pickForwardedHeaders(client, rule);
    for (const name of ["authorization", "x-api-key", "cookie", "connection", "transfer-encoding", "x-request-id"]) {
      assert.equal(picked[name], undefined, name);
    }
    assert.equal(picked["user-agent"], "openai-node/6");
    assert.equal(picked["sec-fetch-mode"], "cors", "`*` forwards every forwardable header");
    assert.deepEqual(pickForwardedHeaders(client, compileHeaderRule([])), {}, "an empty list forwards nothing");
  });
});
