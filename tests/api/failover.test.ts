import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallLogDetail } from "../../db/queries/call-logs";
import type { MockBehavior } from "../support/mock-provider";
import { findClosedPort } from "../support/server";
import {
  assertErrorShape,
  keywordHitCount,
  parseJson,
  sleep,
  startGateway,
  waitUntil,
  type Captured,
  type Gateway,
} from "../support/seed";

// RELIABILITY B: upstream faults on non-streaming requests.

const messages = [{ role: "user", content: "Say hello" }];
/** The answer of every provider that should end up serving: distinct usage, easy prices. */
const GOOD_USAGE = { prompt_tokens: 7, completion_tokens: 5 };
const GOOD_PRICES = { priceInput: 2, priceOutput: 4, priceCached: 1 };
const GOOD_COST = (7 * 2 + 5 * 4) / 1_000_000;

const BAD_200S: [string, MockBehavior][] = [
  [
    "error-object",
    {
      body: {
        error: { message: "The server is overloaded", type: "server_error" },
        usage: { prompt_tokens: 900, completion_tokens: 900 },
      },
    },
  ],
  ["html", { html: "<html><body><h1>502 Bad Gateway</h1></body></html>" }],
  ["empty", { body: "" }],
  ["truncated", { truncateAfterBytes: 40 }],
  [
    "no-choices",
    {
      body: {
        id: "chatcmpl-x",
        object: "chat.completion",
        choices: [],
        usage: { prompt_tokens: 900, completion_tokens: 900 },
      },
    },
  ],
];

type Content = { choices: { message: { content: string } }[] };

function contentOf(response: Captured): string | undefined {
  return parseJson<Content>(response).choices[0]?.message.content;
}

function attemptsOf(row: CallLogDetail | undefined): [string, string, number | null][] {
  return (row?.attempts ?? []).map((attempt) => [attempt.providerName, attempt.outcome, attempt.status]);
}

/** The row of a request the good provider answered: its tokens and cost only. */
function assertBilledOnce(row: CallLogDetail | undefined, provider: string): void {
  assert.equal(row?.status, 200);
  assert.equal(row?.providerName, provider);
  assert.equal(row?.promptTokens, 7);
  assert.equal(row?.completionTokens, 5);
  assert.equal(row?.isUsageEstimated, false);
  assert.ok(Math.abs((row?.cost ?? 0) - GOOD_COST) < 1e-12, `cost ${row?.cost} = ${GOOD_COST}`);
}

describe("upstream faults on non-streaming requests (RELIABILITY B)", () => {
  let gw: Gateway;
  let key: string;
  let deadPort: number;
  let keywordInText: number;
  let keywordInId: number;

  before(async () => {
    deadPort = await findClosedPort();
    gw = await startGateway({
      settings: {
        connectTimeoutMs: 1_000,
        firstTokenTimeoutMs: 2_000,
        totalTimeoutMs: 5_000,
        maxAttempts: 3,
        failoverThreshold: 3,
        failoverWindowSeconds: 60,
        cooldownSeconds: 60,
      },
      async seed(s) {
        await s.endpoint("dead", `http://127.0.0.1:${deadPort}/v1`);
        const good = (model: string) => ({ model, ...GOOD_PRICES });
        await s.group("disabled", [{ model: "fo-dis-off", isEnabled: false }, good("fo-dis-on")]);
        await s.group("only-disabled", [{ model: "fo-only-off", isEnabled: false }]);
        await s.group("server-errors", ["fo-500", "fo-503", good("fo-5xx-ok")]);
        await s.group("client-error", ["fo-400", good("fo-400-next")]);
        await s.group("auth", ["fo-401", "fo-403", good("fo-auth-ok")]);
        await s.group("auth-all", ["fo-401-only", "fo-403-only"]);
        await s.group("rate", ["fo-429", good("fo-429-next")]);
        await s.group("rate-all", ["fo-429-x", "fo-429-y"]);
        await s.group(
          "latency",
          [
            { model: "fo-lat-slow", priority: 1 },
            { model: "fo-lat-fast", priority: 1 },
          ],
          undefined,
          "least-latency",
        );
        await s.group("refused", [{ model: "fo-refused", endpoint: "dead" }, good("fo-refused-next")]);
        await s.group("slow-headers", [{ model: "fo-slow", firstTokenTimeoutMs: 300 }, good("fo-slow-next")]);
        await s.group("stalled", [{ model: "fo-stall", totalTimeoutMs: 1_000 }, good("fo-stall-next")]);
        await s.group("stalled-all", [{ model: "fo-stall-only", totalTimeoutMs: 1_000 }]);
        for (const [kind] of BAD_200S) await s.group(`bad-${kind}`, [`fo-bad-${kind}`, good(`fo-bad-${kind}-next`)]);
        await s.group("all-fail", [
          "fo-all-500",
          { model: "fo-all-dead", endpoint: "dead" },
          "fo-all-502",
          "fo-all-never",
        ]);
        await s.group("breaker", ["fo-brk-bad", good("fo-brk-next")]);
        await s.group("breaker-solo", ["fo-brk-solo"]);
        await s.group("keyword", ["fo-kw-text", good("fo-kw-text-next")]);
        await s.group("keyword-id", ["fo-kw-id", good("fo-kw-id-next")]);
        keywordInText = await s.keyword("As an AI language model");
        keywordInId = await s.keyword("zebra-marker");
        key = await s.key("client", { allGroups: true });
      },
    });
    gw.hiddenPorts.push(deadPort);
    gw.mock.setBehavior("*", { usage: GOOD_USAGE });
  });

  after(async () => {
    await gw?.stop();
  });

  it("never calls a disabled provider, and answers 503 when a group has no enabled one", async () => {
    const first = await gw.chat(key, { model: "disabled", messages });
    const second = await gw.chat(key, { model: "disabled", messages });
    const none = await gw.chat(key, { model: "only-disabled", messages });
    assert.equal(contentOf(first), "Hello from fo-dis-on");
    assert.equal(second.status, 200);
    assertErrorShape(none, 503, "no_provider_available");
    assert.equal(gw.mock.callsFor("fo-dis-off").length + gw.mock.callsFor("fo-only-off").length, 0);
    assert.equal(gw.mock.callsFor("fo-dis-on").length, 2);
    const rows = await gw.settle();
    assert.deepEqual(attemptsOf(rows[0]), [["fo-dis-on", "ok", 200]]);
    assert.deepEqual(attemptsOf(rows[1]), [["fo-dis-on", "ok", 200]]);
    assert.equal(rows[2]?.status, 503);
    assert.deepEqual(rows[2]?.attempts, []);
  });

  it("fails over past 500 and 503 to the next provider and bills only the answer", async () => {
    gw.mock.setBehavior("fo-500", { status: 500, usage: { prompt_tokens: 900, completion_tokens: 900 } });
    gw.mock.setBehavior("fo-503", { status: 503 });
    const response = await gw.chat(key, { model: "server-errors", messages });
    assert.equal(response.status, 200);
    assert.equal(contentOf(response), "Hello from fo-5xx-ok");
    assert.deepEqual(
      [gw.mock.callsFor("fo-500").length, gw.mock.callsFor("fo-503").length, gw.mock.callsFor("fo-5xx-ok").length],
      [1, 1, 1],
    );
    const [row] = await gw.settle();
    assert.deepEqual(attemptsOf(row), [
      ["fo-500", "failed", 500],
      ["fo-503", "failed", 503],
      ["fo-5xx-ok", "ok", 200],
    ]);
    assertBilledOnce(row, "fo-5xx-ok");
  });

  it("passes an upstream 400 through as is, without failover or a breaker count", async () => {
    gw.mock.setBehavior("fo-400", {
      status: 400,
      error: {
        message: "This model's maximum context length is 8192 tokens",
        param: "messages",
        code: "context_length_exceeded",
      },
    });
    const responses: Captured[] = [];
    // One more than the breaker threshold: a client's own error must never open it.
    for (let i = 0; i < 4; i++) responses.push(await gw.chat(key, { model: "client-error", messages }));
    const calls = gw.mock.callsFor("fo-400");
    assert.equal(calls.length, 4, "every request reached the provider");
    assert.equal(gw.mock.callsFor("fo-400-next").length, 0, "no failover");
    for (const [index, response] of responses.entries()) {
      assert.equal(response.status, 400);
      assert.equal(response.body, calls[index]?.responseBody, "the upstream body byte for byte");
      assert.match(response.headers["content-type"] ?? "", /application\/json/);
    }
    const rows = await gw.settle();
    for (const row of rows) {
      assert.equal(row.status, 400);
      assert.deepEqual(attemptsOf(row), [["fo-400", "client_error", 400]]);
    }
  });

  it("fails over on upstream 401 and 403 and never shows them as the client's 401", async () => {
    gw.mock.setBehavior("fo-401", {
      status: 401,
      error: { message: "Incorrect API key provided", code: "invalid_api_key" },
    });
    gw.mock.setBehavior("fo-403", { status: 403, error: { message: "Forbidden" } });
    gw.mock.setBehavior("fo-401-only", {
      status: 401,
      error: { message: "Incorrect API key provided", code: "invalid_api_key" },
    });
    gw.mock.setBehavior("fo-403-only", { status: 403 });
    const served = await gw.chat(key, { model: "auth", messages });
    const failed = await gw.chat(key, { model: "auth-all", messages });
    assert.equal(served.status, 200);
    assert.equal(contentOf(served), "Hello from fo-auth-ok");
    const error = assertErrorShape(failed, 502, "upstream_error");
    assert.notEqual(error.code, "invalid_api_key");
    assert.doesNotMatch(failed.body, /Incorrect API key/);
    assert.deepEqual(
      ["fo-401", "fo-403", "fo-auth-ok"].map((model) => gw.mock.callsFor(model).length),
      [1, 1, 1],
    );
    assert.deepEqual([gw.mock.callsFor("fo-401-only").length, gw.mock.callsFor("fo-403-only").length], [1, 1]);
    const [servedRow, failedRow] = await gw.settle();
    assert.deepEqual(attemptsOf(servedRow), [
      ["fo-401", "failed", 401],
      ["fo-403", "failed", 403],
      ["fo-auth-ok", "ok", 200],
    ]);
    assert.equal(failedRow?.status, 502);
    assert.deepEqual(attemptsOf(failedRow), [
      ["fo-401-only", "failed", 401],
      ["fo-403-only", "failed", 403],
    ]);
  });

  it("fails over on 429 and rests that provider for its Retry-After (3 s, not the 60 s cool-down), then tries it again", async () => {
    gw.mock.queue("fo-429", { status: 429, headers: { "retry-after": "3" } });
    const limited = await gw.chat(key, { model: "rate", messages });
    const limitedAt = gw.mock.callsFor("fo-429")[0]?.time ?? 0;
    const resting = await gw.chat(key, { model: "rate", messages });
    assert.equal(contentOf(limited), "Hello from fo-429-next");
    assert.equal(contentOf(resting), "Hello from fo-429-next");
    assert.equal(gw.mock.callsFor("fo-429").length, 1, "skipped while resting");
    const metrics = await (await fetch(`${gw.baseUrl}/metrics`)).text();
    assert.match(metrics, /gateway_breaker_open_reason\{provider="fo-429",reason="retry_after"\} 1/);
    const reopensAt = Number(
      /gateway_breaker_reopen_timestamp_seconds\{provider="fo-429"\} ([\d.]+)/.exec(metrics)?.[1],
    );
    assert.ok(reopensAt * 1000 - limitedAt < 10_000, "reopens after the Retry-After, long before the cool-down");
    await sleep(Math.max(0, limitedAt + 3_500 - Date.now()));
    const rested = await gw.chat(key, { model: "rate", messages });
    assert.equal(contentOf(rested), "Hello from fo-429", "tried again once the rest is over");
    assert.deepEqual([gw.mock.callsFor("fo-429").length, gw.mock.callsFor("fo-429-next").length], [2, 2]);
    const [first, second, third] = await gw.settle();
    assert.deepEqual(attemptsOf(first), [
      ["fo-429", "failed", 429],
      ["fo-429-next", "ok", 200],
    ]);
    assert.deepEqual(attemptsOf(second), [
      ["fo-429", "skipped", null],
      ["fo-429-next", "ok", 200],
    ]);
    assert.deepEqual(attemptsOf(third), [["fo-429", "ok", 200]]);
  });

  it("least-latency moves traffic to the faster provider within 20 requests", async () => {
    gw.mock.setBehavior("fo-lat-slow", { delayBeforeHeadersMs: 300 });
    const served: (string | undefined)[] = [];
    for (let i = 0; i < 20; i += 1) served.push(contentOf(await gw.chat(key, { model: "latency", messages })));
    const lastTen = served.slice(10);
    const fast = lastTen.filter((text) => text === "Hello from fo-lat-fast").length;
    assert.ok(fast >= 7, `the last ten mostly went to the fast provider: ${served.join(", ")}`);
    assert.equal(served.length, 20);
    await gw.settle();
  });

  it("answers 429 with the shortest Retry-After when every provider is rate limited", async () => {
    gw.mock.setBehavior("fo-429-x", { status: 429, headers: { "retry-after": "7" } });
    gw.mock.setBehavior("fo-429-y", { status: 429, headers: { "retry-after": "3" } });
    const response = await gw.chat(key, { model: "rate-all", messages });
    const error = assertErrorShape(response, 429, "rate_limited");
    assert.equal(error.type, "rate_limit_error");
    assert.equal(response.headers["retry-after"], "3");
    assert.deepEqual([gw.mock.callsFor("fo-429-x").length, gw.mock.callsFor("fo-429-y").length], [1, 1]);
    const [row] = await gw.settle();
    assert.equal(row?.status, 429);
    assert.deepEqual(attemptsOf(row), [
      ["fo-429-x", "failed", 429],
      ["fo-429-y", "failed", 429],
    ]);
  });

  it("fails over from a refused connection well within the connect timeout", async () => {
    const response = await gw.chat(key, { model: "refused", messages });
    assert.equal(contentOf(response), "Hello from fo-refused-next");
    assert.ok(response.elapsedMs < 3_000, `answered in ${response.elapsedMs} ms`);
    assert.equal(gw.mock.callsFor("fo-refused-next").length, 1);
    const [row] = await gw.settle();
    assert.deepEqual(attemptsOf(row), [
      ["fo-refused", "failed", null],
      ["fo-refused-next", "ok", 200],
    ]);
    assert.match(row?.attempts[0]?.reason ?? "", /refused/);
    assert.doesNotMatch(JSON.stringify(row?.attempts), new RegExp(String(deadPort)), "the attempt names no port");
  });

  it("fails over when headers do not arrive within the first-token timeout, closing the slow upstream", async () => {
    gw.mock.setBehavior("fo-slow", { delayBeforeHeadersMs: 5_000 });
    const response = await gw.chat(key, { model: "slow-headers", messages });
    assert.equal(contentOf(response), "Hello from fo-slow-next");
    assert.ok(response.elapsedMs >= 280 && response.elapsedMs < 4_500, `answered in ${response.elapsedMs} ms`);
    const [slow] = gw.mock.callsFor("fo-slow");
    await gw.mock.waitFor(
      () => slow?.closedAt !== null,
      5_000,
      () => "the slow upstream request to be closed",
    );
    assert.equal(slow?.aborted, true);
    assert.deepEqual([gw.mock.callsFor("fo-slow").length, gw.mock.callsFor("fo-slow-next").length], [1, 1]);
    const [row] = await gw.settle();
    assert.deepEqual(attemptsOf(row), [
      ["fo-slow", "failed", null],
      ["fo-slow-next", "ok", 200],
    ]);
    assert.match(row?.attempts[0]?.reason ?? "", /first-token timeout/);
  });

  it("gives up on a stalled body at the total deadline: fails over, or 504 when none is left", async () => {
    gw.mock.setBehavior("fo-stall", { truncateAfterBytes: 20, stallAfterChunks: 1 });
    gw.mock.setBehavior("fo-stall-only", { truncateAfterBytes: 20, stallAfterChunks: 1 });
    const served = await gw.chat(key, { model: "stalled", messages });
    const timedOut = await gw.chat(key, { model: "stalled-all", messages });
    assert.equal(contentOf(served), "Hello from fo-stall-next");
    for (const response of [served, timedOut])
      assert.ok(response.elapsedMs >= 950 && response.elapsedMs < 4_500, `took ${response.elapsedMs} ms`);
    assert.deepEqual(
      ["fo-stall", "fo-stall-next", "fo-stall-only"].map((model) => gw.mock.callsFor(model).length),
      [1, 1, 1],
    );
    const error = assertErrorShape(timedOut, 504, "upstream_timeout");
    assert.equal(error.type, "timeout_error");
    const [servedRow, timedOutRow] = await gw.settle();
    assert.deepEqual(attemptsOf(servedRow), [
      ["fo-stall", "failed", 200],
      ["fo-stall-next", "ok", 200],
    ]);
    assert.match(servedRow?.attempts[0]?.reason ?? "", /total timeout/);
    assert.equal(timedOutRow?.status, 504);
    assert.deepEqual(attemptsOf(timedOutRow), [["fo-stall-only", "failed", 200]]);
  });

  for (const [kind, behavior] of BAD_200S) {
    it(`treats a 200 that is ${kind} as a failure: fails over and does not bill it`, async () => {
      gw.mock.setBehavior(`fo-bad-${kind}`, behavior);
      const response = await gw.chat(key, { model: `bad-${kind}`, messages });
      assert.equal(response.status, 200);
      assert.equal(contentOf(response), `Hello from fo-bad-${kind}-next`);
      assert.deepEqual(
        [gw.mock.callsFor(`fo-bad-${kind}`).length, gw.mock.callsFor(`fo-bad-${kind}-next`).length],
        [1, 1],
      );
      const [row] = await gw.settle();
      assert.deepEqual(attemptsOf(row), [
        [`fo-bad-${kind}`, "failed", 200],
        [`fo-bad-${kind}-next`, "ok", 200],
      ]);
      assertBilledOnce(row, `fo-bad-${kind}-next`);
    });
  }

  it("answers one 502 with a safe message when every attempt fails, within max attempts", async () => {
    gw.mock.setBehavior("fo-all-500", { status: 500, error: { message: `upstream exploded at ${gw.mock.url}` } });
    gw.mock.setBehavior("fo-all-502", { status: 502 });
    const response = await gw.chat(key, { model: "all-fail", messages });
    const error = assertErrorShape(response, 502, "upstream_error");
    assert.match(error.message, /fo-all-502/, "names the last provider that failed");
    assert.equal(gw.mock.callsFor("fo-all-never").length, 0, "maxAttempts (3) is the budget");
    assert.deepEqual([gw.mock.callsFor("fo-all-500").length, gw.mock.callsFor("fo-all-502").length], [1, 1]);
    assert.ok(response.elapsedMs < 3_000, `took ${response.elapsedMs} ms`);
    const [row] = await gw.settle();
    assert.equal(row?.status, 502);
    assert.deepEqual(attemptsOf(row), [
      ["fo-all-500", "failed", 500],
      ["fo-all-dead", "failed", null],
      ["fo-all-502", "failed", 502],
    ]);
  });

  it("opens the breaker after three failures: the provider is then skipped and says so", async () => {
    gw.mock.setBehavior("fo-brk-bad", { status: 500 });
    const responses: Captured[] = [];
    for (let i = 0; i < 4; i++) responses.push(await gw.chat(key, { model: "breaker", messages }));
    for (const response of responses) assert.equal(contentOf(response), "Hello from fo-brk-next");
    assert.equal(gw.mock.callsFor("fo-brk-bad").length, 3);
    assert.equal(gw.mock.callsFor("fo-brk-next").length, 4);
    const rows = await gw.settle();
    for (const row of rows.slice(0, 3))
      assert.deepEqual(attemptsOf(row), [
        ["fo-brk-bad", "failed", 500],
        ["fo-brk-next", "ok", 200],
      ]);
    assert.deepEqual(attemptsOf(rows[3]), [
      ["fo-brk-bad", "skipped", null],
      ["fo-brk-next", "ok", 200],
    ]);
    assert.match(rows[3]?.attempts[0]?.reason ?? "", /circuit open/);
  });

  it("still tries a group's only provider when its breaker is open, rather than refusing", async () => {
    gw.mock.setBehavior("fo-brk-solo", { status: 500 });
    for (let i = 0; i < 4; i++)
      assertErrorShape(await gw.chat(key, { model: "breaker-solo", messages }), 502, "upstream_error");
    assert.equal(gw.mock.callsFor("fo-brk-solo").length, 4);
    const rows = await gw.settle();
    assert.deepEqual(attemptsOf(rows[3]), [
      ["fo-brk-solo", "skipped", null],
      ["fo-brk-solo", "failed", 500],
    ]);
  });

  it("fails over on a failure keyword in the answer text and counts the hit, but not on one in the id", async () => {
    gw.mock.setBehavior("fo-kw-id", {
      id: "chatcmpl-zebra-marker",
      responseModel: "zebra-marker-model",
      text: "A plain answer",
    });
    gw.mock.setBehavior("fo-kw-text", { text: "Sorry, AS AN AI LANGUAGE MODEL I cannot help." });
    const idOnly = await gw.chat(key, { model: "keyword-id", messages });
    const inText = await gw.chat(key, { model: "keyword", messages });

    const upstream = JSON.parse(gw.mock.callsFor("fo-kw-id")[0]?.responseBody ?? "{}") as Record<string, unknown>;
    const relayed = parseJson<Record<string, unknown>>(idOnly);
    assert.deepEqual({ ...relayed, model: null }, { ...upstream, model: null }, "relayed unchanged (model aside)");
    assert.deepEqual(
      ["fo-kw-id", "fo-kw-id-next", "fo-kw-text", "fo-kw-text-next"].map((model) => gw.mock.callsFor(model).length),
      [1, 0, 1, 1],
    );
    assert.equal(contentOf(inText), "Hello from fo-kw-text-next");
    await waitUntil(
      async () => (await keywordHitCount(gw.db, keywordInText)) === 1,
      5_000,
      "the keyword hit to be counted",
    );
    // Counters are flushed together, so the id keyword's count is final by now.
    assert.equal(await keywordHitCount(gw.db, keywordInId), 0);
    const [idRow, textRow] = await gw.settle();
    assert.deepEqual(attemptsOf(idRow), [["fo-kw-id", "ok", 200]]);
    assert.deepEqual(attemptsOf(textRow), [
      ["fo-kw-text", "failed", 200],
      ["fo-kw-text-next", "ok", 200],
    ]);
    assert.match(textRow?.attempts[0]?.reason ?? "", /keyword/);
    assertBilledOnce(textRow, "fo-kw-text-next");
  });
});
