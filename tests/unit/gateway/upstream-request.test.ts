import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildUpstreamRequest } from "../../../lib/gateway/upstream-request";
import type { ProviderConfig } from "../../../lib/gateway/types";
import { DEFAULT_HEADER_RULE } from "../../../lib/gateway/forward-headers";

const provider: ProviderConfig = {
  id: 1,
  name: "p",
  baseUrl: "http://127.0.0.1:9/v1",
  protocol: "openai",
  apiKey: "sk-upstream",
  upstreamModel: "m",
  priceInput: 0,
  priceOutput: 0,
  priceCached: 0,
  priceCacheWrite: 0,
  priceUnit: "none",
  pricePerUnit: 0,
  kinds: new Set(["chat"]),
  isEnabled: true,
  connectTimeoutMs: null,
  firstTokenTimeoutMs: null,
  totalTimeoutMs: null,
  extraHeaders: { "x-tenant": "a", "Accept-Encoding": "gzip", "content-length": "1", Host: "evil" },
  forwardHeaders: DEFAULT_HEADER_RULE,
  streamUsage: true,
};

describe("upstream request", () => {
  it("keeps operator headers but drops ones that would break framing or the byte-exact relay", () => {
    const request = buildUpstreamRequest(provider, "{}", true, 1_000, new AbortController().signal);
    assert.equal(request.url, "http://127.0.0.1:9/v1/chat/completions");
    assert.equal(request.headers["x-tenant"], "a");
    assert.equal(request.headers.authorization, "Bearer sk-upstream");
    assert.equal(request.headers.accept, "text/event-stream");
    for (const name of ["Accept-Encoding", "content-length", "Host"]) assert.equal(request.headers[name], undefined);
  });
});
