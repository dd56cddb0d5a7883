import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileKeywords, matchKeywords, StreamKeywordScanner, TEXT_CHANNEL } from "../../../lib/gateway/keywords";
import { parseRetryAfterMs } from "../../../lib/gateway/retry-after";
import { calculateCost, estimateTokens, readUsage, settleUsage } from "../../../lib/gateway/usage";
import { makeProvider, makeSnapshot } from "./gateway-fixture";

describe("failure keywords", () => {
  const snapshot = makeSnapshot({
    providers: [],
    members: [],
    keywords: [
      { id: 1, keyword: "Quota" },
      { id: 2, keyword: "try again later" },
      { id: 3, keyword: "" },
    ],
  });

  it("compiles once per snapshot", () => {
    assert.equal(compileKeywords(snapshot), compileKeywords(snapshot));
    assert.deepEqual(compileKeywords(snapshot).needles, ["quota", "try again later"]);
  });

  const matches: [string, number[] | null][] = [
    ["QUOTA exceeded", [1]],
    ["please Try Again Later", [2]],
    ["quota; try again later", [1, 2]],
    ["all good", null],
    ["", null],
  ];
  for (const [text, expected] of matches) {
    it(`matches ${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(matchKeywords(compileKeywords(snapshot), text), expected);
    });
  }

  it("finds a keyword split over many stream deltas, once", () => {
    const scanner = new StreamKeywordScanner(compileKeywords(snapshot));
    const pieces = ["please t", "ry ag", "ain", " la", "ter"];
    const results = pieces.map((piece) => scanner.scan(TEXT_CHANNEL.content, piece));
    assert.deepEqual(results, [null, null, null, null, [2]]);
  });

  it("finds a second occurrence of a short keyword after a long carried tail", () => {
    const scanner = new StreamKeywordScanner(compileKeywords(snapshot));
    assert.deepEqual(scanner.scan(TEXT_CHANNEL.content, "no hits here at all"), null);
    assert.deepEqual(scanner.scan(TEXT_CHANNEL.content, " quota"), [1]);
  });

  it("keeps channels apart, so content and reasoning never join into a match", () => {
    const scanner = new StreamKeywordScanner(compileKeywords(snapshot));
    assert.equal(scanner.scan(TEXT_CHANNEL.reasoning, "qu"), null);
    assert.equal(scanner.scan(TEXT_CHANNEL.content, "ota"), null);
  });
});

describe("usage and cost", () => {
  const provider = makeProvider(1, { priceInput: 3, priceOutput: 15, priceCached: 0.3 });

  it("charges uncached prompt, cached prompt and completion tokens at their prices", () => {
    const usage = { promptTokens: 1_000, completionTokens: 500, cachedTokens: 400, cacheWriteTokens: 0 };
    assert.equal(calculateCost(usage, provider), (600 * 3 + 400 * 0.3 + 500 * 15) / 1_000_000);
  });

  it("costs nothing at zero prices", () => {
    assert.equal(
      calculateCost(
        { promptTokens: 10, completionTokens: 10, cachedTokens: 0, cacheWriteTokens: 0 },
        makeProvider(2, { priceInput: 0, priceOutput: 0, priceCached: 0 }),
      ),
      0,
    );
  });

  const usages: [string, unknown, ReturnType<typeof readUsage>][] = [
    [
      "full usage",
      { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 2 } },
      { promptTokens: 10, completionTokens: 5, cachedTokens: 2, cacheWriteTokens: 0 },
    ],
    [
      "no details",
      { prompt_tokens: 10, completion_tokens: 5 },
      { promptTokens: 10, completionTokens: 5, cachedTokens: 0, cacheWriteTokens: 0 },
    ],
    [
      "cached above prompt (clamped)",
      { prompt_tokens: 1, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 9 } },
      { promptTokens: 1, completionTokens: 0, cachedTokens: 1, cacheWriteTokens: 0 },
    ],
    ["null", null, null],
    ["an empty object", {}, null],
  ];
  for (const [name, value, expected] of usages) {
    it(`reads ${name}`, () => assert.deepEqual(readUsage(value), expected));
  }

  it("estimates about four characters per token, at least one when there is text", () => {
    assert.deepEqual([estimateTokens(0), estimateTokens(1), estimateTokens(8), estimateTokens(9)], [0, 1, 2, 3]);
  });

  it("estimates from the request's message text when usage is missing and marks it", () => {
    const messages = [
      { role: "user", content: "12345678" },
      {
        role: "user",
        content: [
          { type: "text", text: "1234" },
          { type: "image_url", image_url: { url: "data:..." } },
        ],
      },
    ];
    const settled = settleUsage(null, { messages, completionCharacters: 4 }, provider);
    assert.deepEqual([settled.promptTokens, settled.completionTokens, settled.isEstimated], [3, 1, true]);
    assert.equal(settled.cost, (3 * 3 + 1 * 15) / 1_000_000);
  });

  it("uses reported usage as exact", () => {
    const settled = settleUsage(
      { promptTokens: 1, completionTokens: 2, cachedTokens: 0, cacheWriteTokens: 0 },
      { messages: [], completionCharacters: 400 },
      provider,
    );
    assert.deepEqual([settled.completionTokens, settled.isEstimated], [2, false]);
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  const cases: [Record<string, string>, number | null][] = [
    [{ "retry-after": "7" }, 7_000],
    [{ "retry-after": "1.5" }, 1_500],
    [{ "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" }, 30_000],
    [{ "retry-after": "Tue, 31 Dec 2024 00:00:00 GMT" }, 0],
    [{ "retry-after-ms": "250", "retry-after": "9" }, 250],
    [{ "retry-after": "soon" }, null],
    [{ "retry-after": "-3" }, null],
    [{ "x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "6m0s" }, 360_000],
    [{ "x-ratelimit-reset-tokens": "1h2m3.5s" }, 3_723_500],
    [{ "x-ratelimit-reset-requests": "20ms" }, 20],
    [{ "x-ratelimit-reset-requests": "soon" }, null],
    [{ "retry-after": "2", "x-ratelimit-reset-requests": "6m0s" }, 2_000],
    [{ "anthropic-ratelimit-requests-reset": "2025-01-01T00:00:04Z" }, 4_000],
    [{}, null],
  ];
  for (const [headers, expected] of cases) {
    it(`reads ${JSON.stringify(headers)} as ${expected} ms`, () =>
      assert.equal(parseRetryAfterMs(headers, now), expected));
  }
});
