import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallLogDetail } from "../../db/queries/call-logs";
import type { MockCall, SseFraming } from "../support/mock-provider";
import {
  REQUEST_ID_PATTERN,
  splitSseEvents,
  sseData,
  startGateway,
  streamedContent,
  withoutUsageEvent,
  type Gateway,
  type StreamResult,
} from "../support/seed";

// RELIABILITY C: streaming faults, and the bytes a streaming client receives.

const messages = [{ role: "user", content: "Say hello" }];
const FRAMINGS: SseFraming[] = ["crlf", "cr", "comments", "fields", "compact", "split"];
const PRICES = { priceInput: 2, priceOutput: 4, priceCached: 1 };
const ROLE_ONLY_SSE =
  'data: {"id":"chatcmpl-empty","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n' +
  'data: {"id":"chatcmpl-empty","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n' +
  "data: [DONE]\n\n";

function attemptsOf(row: CallLogDetail | undefined): [string, string][] {
  return (row?.attempts ?? []).map((attempt) => [attempt.providerName, attempt.outcome]);
}

function onlyCall(gw: Gateway, model: string): MockCall {
  const calls = gw.mock.callsFor(model);
  assert.equal(calls.length, 1, `one call to ${model}`);
  return calls[0]!;
}

/** A committed stream's headers: SSE, a request id, and the 200 it could only send once. */
function assertStreamHeaders(result: StreamResult): void {
  assert.equal(result.status, 200, result.body.slice(0, 300));
  assert.match(result.headers["content-type"] ?? "", /^text\/event-stream/);
  assert.match(result.headers["x-request-id"] ?? "", REQUEST_ID_PATTERN);
}

/** The `{"error":…}` payloads in a stream. */
function errorEvents(text: string): { error: Record<string, unknown> }[] {
  return sseData(text).filter(
    (data): data is { error: Record<string, unknown> } => typeof data !== "string" && "error" in data,
  );
}

/** A broken committed stream: what was sent, then exactly one OpenAI-shaped error event, no [DONE]. */
function assertEndsWithOneErrorEvent(body: string, sentBefore: string): void {
  assert.ok(body.startsWith(sentBefore), "the client got everything sent before the failure, unchanged");
  const rest = splitSseEvents(body.slice(sentBefore.length));
  assert.equal(rest.length, 1, `one event after the failure, got ${JSON.stringify(rest)}`);
  const errors = errorEvents(body);
  assert.equal(errors.length, 1);
  assert.deepEqual(Object.keys(errors[0]!.error).sort(), ["code", "message", "param", "type"]);
  assert.ok(!body.includes("[DONE]"), "no [DONE] after a failure");
}

describe("streaming faults (RELIABILITY C)", () => {
  let gw: Gateway;
  let key: string;

  before(async () => {
    gw = await startGateway({
      settings: { firstTokenTimeoutMs: 3_000, totalTimeoutMs: 60_000, maxAttempts: 3, failoverThreshold: 5 },
      async seed(s) {
        await s.group("basic", [{ model: "st-basic", ...PRICES }]);
        await s.group("usage", [{ model: "st-usage", ...PRICES }]);
        await s.group("no-usage", [{ model: "st-no-usage", ...PRICES }]);
        await s.group("stall-first", [{ model: "st-stall", firstTokenTimeoutMs: 400 }, "st-stall-next"]);
        await s.group("early-errors", ["st-early-inband", "st-early-500", "st-early-ok"]);
        await s.group("early-reset", ["st-early-reset", "st-early-empty", "st-early-reset-ok"]);
        await s.group("mid-reset", ["st-mid-reset", "st-mid-reset-next"]);
        await s.group("mid-error", ["st-mid-error", "st-mid-error-next"]);
        await s.group("mid-idle", [{ model: "st-mid-idle", firstTokenTimeoutMs: 500 }, "st-mid-idle-next"]);
        for (const framing of FRAMINGS) await s.group(`frame-${String(framing)}`, [`st-frame-${String(framing)}`]);
        await s.group("slow-first", [{ model: "st-slow-first", firstTokenTimeoutMs: 500 }, "st-slow-first-next"]);
        await s.group("late", ["st-late"]);
        await s.group("gone-before", [{ model: "st-gone-before", firstTokenTimeoutMs: 30_000 }]);
        await s.group("gone-after", ["st-gone-after"]);
        await s.group("keyword-first", ["st-kw-first", "st-kw-first-next"]);
        await s.group("keyword-late", ["st-kw-late", "st-kw-late-next"]);
        await s.keyword("as an AI language model");
        key = await s.key("client", { allGroups: true });
      },
    });
  });

  after(async () => {
    await gw?.stop();
  });

  const stream = (model: string, extra: Record<string, unknown> = {}) =>
    gw.stream(key, { model, messages, stream: true, ...extra });

  it("relays a stream byte for byte, minus the usage chunk the gateway asked for itself", async () => {
    const result = await stream("basic").finished;
    assertStreamHeaders(result);
    const call = onlyCall(gw, "st-basic");
    assert.deepEqual(
      (call.body as { stream_options?: unknown }).stream_options,
      { include_usage: true },
      "usage requested upstream",
    );
    assert.equal(result.body, withoutUsageEvent(call.responseBody));
    assert.notEqual(result.body, call.responseBody, "the upstream did send a usage chunk");
    assert.equal(streamedContent(result.body), "Hello from st-basic");
    const [row] = await gw.settle();
    assert.equal(row?.status, 200);
    assert.equal(row?.isStream, true);
    assert.equal(row?.isIncomplete, false);
    assert.deepEqual(attemptsOf(row), [["st-basic", "ok"]]);
    assert.ok(row?.ttftMs !== null && row!.ttftMs >= 0);
  });

  it("keeps the usage chunk for a client that asked, removes it otherwise, and records usage exactly either way", async () => {
    gw.mock.setBehavior("st-usage", { usage: { prompt_tokens: 21, completion_tokens: 13, cached_tokens: 5 } });
    const asked = await stream("usage", { stream_options: { include_usage: true } }).finished;
    const notAsked = await stream("usage").finished;
    assert.equal(gw.mock.callsFor("st-usage").length, 2);
    const [askedCall, notAskedCall] = gw.mock.callsFor("st-usage");
    assert.equal(asked.body, askedCall?.responseBody, "identical, usage chunk included");
    assert.ok(asked.body.includes('"usage"'));
    assert.equal(notAsked.body, withoutUsageEvent(notAskedCall?.responseBody ?? ""));
    assert.ok(!notAsked.body.includes('"usage"'), "no usage chunk for a client that did not ask");
    for (const row of await gw.settle()) {
      assert.deepEqual(
        [row.promptTokens, row.completionTokens, row.cachedTokens, row.isUsageEstimated],
        [21, 13, 5, false],
      );
      assert.ok(Math.abs(row.cost - ((21 - 5) * 2 + 5 * 1 + 13 * 4) / 1_000_000) < 1e-12, `cost ${row.cost}`);
    }
  });

  it("estimates usage and marks it when the provider reports none", async () => {
    gw.mock.setBehavior("st-no-usage", { usage: null });
    const result = await stream("no-usage", { stream_options: { include_usage: true } }).finished;
    assert.equal(result.body, onlyCall(gw, "st-no-usage").responseBody);
    const [row] = await gw.settle();
    assert.equal(row?.isUsageEstimated, true);
    assert.ok((row?.promptTokens ?? 0) > 0 && (row?.completionTokens ?? 0) > 0, "estimated tokens");
    assert.ok((row?.cost ?? 0) > 0);
  });

  it("fails over cleanly from a provider that stalls before its first event", async () => {
    gw.mock.setBehavior("st-stall", { stallAfterChunks: 0 });
    const result = await stream("stall-first").finished;
    assertStreamHeaders(result);
    assert.equal(
      result.body,
      withoutUsageEvent(onlyCall(gw, "st-stall-next").responseBody),
      "only the good provider's bytes",
    );
    const stalled = onlyCall(gw, "st-stall");
    await gw.mock.waitFor(
      () => stalled.closedAt !== null,
      5_000,
      () => "the stalled upstream to be closed",
    );
    const [row] = await gw.settle();
    assert.deepEqual(attemptsOf(row), [
      ["st-stall", "failed"],
      ["st-stall-next", "ok"],
    ]);
    assert.match(row?.attempts[0]?.reason ?? "", /first-token timeout/);
  });

  it("fails over cleanly from an error event, an error status, a reset or an empty stream before the first content", async () => {
    gw.mock.setBehavior("st-early-inband", { inBandErrorAfterChunks: 0, error: { message: "overloaded" } });
    gw.mock.setBehavior("st-early-500", { status: 500 });
    gw.mock.setBehavior("st-early-reset", { resetAfterChunks: 0 });
    gw.mock.setBehavior("st-early-empty", { rawSse: ROLE_ONLY_SSE });
    const errors = await stream("early-errors").finished;
    const resets = await stream("early-reset").finished;
    assertStreamHeaders(errors);
    assertStreamHeaders(resets);
    assert.equal(errors.body, withoutUsageEvent(onlyCall(gw, "st-early-ok").responseBody));
    assert.equal(resets.body, withoutUsageEvent(onlyCall(gw, "st-early-reset-ok").responseBody));
    for (const model of ["st-early-inband", "st-early-500", "st-early-reset", "st-early-empty"]) onlyCall(gw, model);
    const [errorsRow, resetsRow] = await gw.settle();
    assert.deepEqual(attemptsOf(errorsRow), [
      ["st-early-inband", "failed"],
      ["st-early-500", "failed"],
      ["st-early-ok", "ok"],
    ]);
    assert.deepEqual(attemptsOf(resetsRow), [
      ["st-early-reset", "failed"],
      ["st-early-empty", "failed"],
      ["st-early-reset-ok", "ok"],
    ]);
  });

  it("ends a stream reset after content with one error event and no [DONE], never another provider's text", async () => {
    gw.mock.setBehavior("st-mid-reset", { chunks: ["Hello", " world", " again", " and more"], resetAfterChunks: 2 });
    const result = await stream("mid-reset").finished;
    assertStreamHeaders(result);
    const call = onlyCall(gw, "st-mid-reset");
    assertEndsWithOneErrorEvent(result.body, call.responseBody);
    assert.equal(streamedContent(result.body), "Hello world");
    assert.equal(gw.mock.callsFor("st-mid-reset-next").length, 0, "nothing spliced in");
    const [row] = await gw.settle();
    assert.equal(row?.status, 200);
    assert.equal(row?.isIncomplete, true);
    assert.ok(row?.error, "the row says why");
    assert.ok((row?.completionTokens ?? 0) > 0, "usage so far");
    assert.deepEqual(attemptsOf(row), [["st-mid-reset", "failed"]]);
  });

  it("passes an in-band error after content on as one error event, never spliced", async () => {
    // The delay lets "One" commit the stream first; " two" and the error then arrive together.
    gw.mock.setBehavior("st-mid-error", {
      chunks: ["One", " two", " three"],
      chunkDelayMs: 100,
      inBandErrorAfterChunks: 2,
      error: { message: "upstream overloaded" },
    });
    const result = await stream("mid-error").finished;
    assertStreamHeaders(result);
    const upstream = splitSseEvents(onlyCall(gw, "st-mid-error").responseBody);
    const beforeError = upstream
      .filter((event) => !event.data?.includes('"error"'))
      .map((event) => event.raw)
      .join("");
    assertEndsWithOneErrorEvent(result.body, beforeError);
    assert.equal(streamedContent(result.body), "One two");
    assert.equal(gw.mock.callsFor("st-mid-error-next").length, 0);
    const [row] = await gw.settle();
    assert.equal(row?.isIncomplete, true);
    assert.deepEqual(attemptsOf(row), [["st-mid-error", "failed"]]);
  });

  it("ends a stream that goes idle after content with one error event, and closes the upstream", async () => {
    gw.mock.setBehavior("st-mid-idle", { chunks: ["Hello", " there", " again"], stallAfterChunks: 2 });
    const result = await stream("mid-idle").finished;
    assertStreamHeaders(result);
    const call = onlyCall(gw, "st-mid-idle");
    assertEndsWithOneErrorEvent(result.body, call.responseBody);
    assert.equal(streamedContent(result.body), "Hello there");
    assert.ok(result.elapsedMs >= 480 && result.elapsedMs < 5_000, `ended after ${result.elapsedMs} ms`);
    await gw.mock.waitFor(
      () => call.closedAt !== null,
      5_000,
      () => "the idle upstream to be closed",
    );
    assert.equal(gw.mock.callsFor("st-mid-idle-next").length, 0);
    const [row] = await gw.settle();
    assert.equal(row?.isIncomplete, true);
    assert.deepEqual(attemptsOf(row), [["st-mid-idle", "failed"]]);
  });

  for (const framing of FRAMINGS) {
    it(`passes ${String(framing)} SSE framing through byte for byte`, async () => {
      const model = `st-frame-${String(framing)}`;
      gw.mock.setBehavior(model, { framing, chunks: ["Grüße ", "aus ", "日本 ", "🎉"] });
      const withUsage = await stream(`frame-${String(framing)}`, { stream_options: { include_usage: true } }).finished;
      const withoutUsage = await stream(`frame-${String(framing)}`).finished;
      assert.equal(gw.mock.callsFor(model).length, 2);
      const [first, second] = gw.mock.callsFor(model);
      assert.equal(withUsage.body, first?.responseBody, "identical when the client asked for usage");
      assert.equal(withoutUsage.body, withoutUsageEvent(second?.responseBody ?? ""), "identical minus the usage chunk");
      assert.equal(streamedContent(withoutUsage.body), "Grüße aus 日本 🎉");
      const rows = await gw.settle();
      for (const row of rows) {
        assert.equal(row.isIncomplete, false);
        assert.equal(row.isUsageEstimated, false);
      }
    });
  }

  it("sends no headers before the first content, so a provider slow to it fails over unseen", async () => {
    gw.mock.setBehavior("st-slow-first", { chunks: ["too late"], chunkDelayMs: 3_000 });
    gw.mock.setBehavior("st-late", { chunks: ["worth", " the wait"], chunkDelayMs: 800 });
    const failedOver = await stream("slow-first").finished;
    const late = await stream("late").finished;
    assertStreamHeaders(failedOver);
    assert.equal(failedOver.body, withoutUsageEvent(onlyCall(gw, "st-slow-first-next").responseBody));
    assert.equal(onlyCall(gw, "st-slow-first").aborted, true, "the slow provider's request was closed");
    onlyCall(gw, "st-late");
    assert.ok(
      (failedOver.headersAtMs ?? 0) >= 450,
      `headers after the first provider gave up (${failedOver.headersAtMs} ms)`,
    );
    assertStreamHeaders(late);
    assert.ok(
      (late.headersAtMs ?? 0) >= 750,
      `headers waited for the first content (${late.headersAtMs} ms), not the role chunk`,
    );
    assert.equal(streamedContent(late.body), "worth the wait");
    const [failedOverRow, lateRow] = await gw.settle();
    assert.deepEqual(attemptsOf(failedOverRow), [
      ["st-slow-first", "failed"],
      ["st-slow-first-next", "ok"],
    ]);
    assert.ok((lateRow?.ttftMs ?? 0) >= 750, `ttft ${lateRow?.ttftMs}`);
  });

  it("closes the upstream within 1 s when the client leaves before the first token, and logs 499", async () => {
    gw.mock.setBehavior("st-gone-before", { delayBeforeHeadersMs: 20_000 });
    const client = stream("gone-before");
    await gw.mock.waitFor(
      () => gw.mock.callsFor("st-gone-before").length === 1,
      5_000,
      () => "the upstream request",
    );
    const call = onlyCall(gw, "st-gone-before");
    const abortedAt = client.abort();
    await gw.mock.waitFor(
      () => call.closedAt !== null,
      3_000,
      () => "the upstream request to be closed",
    );
    assert.ok(
      call.closedAt! - abortedAt < 1_000,
      `upstream closed ${call.closedAt! - abortedAt} ms after the client left`,
    );
    await client.finished;
    const [row] = await gw.settle();
    assert.equal(row?.status, 499);
    assert.equal(row?.groupName, "gone-before");
    assert.equal(row?.isStream, true);
  });

  it("closes the upstream within 1 s when the client leaves mid-stream, and logs 499 with usage so far", async () => {
    gw.mock.setBehavior("st-gone-after", {
      chunks: Array.from({ length: 30 }, (_, i) => ` word${i}`),
      chunkDelayMs: 150,
    });
    const client = stream("gone-after");
    await client.waitForText((text) => text.includes("word0"));
    const call = onlyCall(gw, "st-gone-after");
    const abortedAt = client.abort();
    await gw.mock.waitFor(
      () => call.closedAt !== null,
      3_000,
      () => "the upstream request to be closed",
    );
    assert.ok(
      call.closedAt! - abortedAt < 1_000,
      `upstream closed ${call.closedAt! - abortedAt} ms after the client left`,
    );
    assert.equal(call.aborted, true, "closed by the gateway, not finished");
    assert.ok(call.chunksSent < 30);
    const result = await client.finished;
    assert.match(result.requestId ?? "", REQUEST_ID_PATTERN);
    const [row] = await gw.settle();
    assert.equal(row?.status, 499);
    assert.ok((row?.completionTokens ?? 0) > 0, "usage so far recorded");
  });

  it("fails over on a failure keyword before the first content, but ends with an error event after it", async () => {
    gw.mock.setBehavior("st-kw-first", { chunks: ["As an AI language model,", " I cannot"] });
    gw.mock.setBehavior("st-kw-late", {
      chunks: ["Sure.", " As an AI language model", " I cannot"],
      chunkDelayMs: 100,
    });
    const first = await stream("keyword-first").finished;
    const late = await stream("keyword-late").finished;
    assert.equal(first.body, withoutUsageEvent(onlyCall(gw, "st-kw-first-next").responseBody));
    onlyCall(gw, "st-kw-first");
    onlyCall(gw, "st-kw-late");
    assert.equal(streamedContent(late.body), "Sure.");
    assert.equal(errorEvents(late.body).length, 1);
    assert.ok(!late.body.includes("[DONE]"));
    assert.equal(gw.mock.callsFor("st-kw-late-next").length, 0);
    const [firstRow, lateRow] = await gw.settle();
    assert.deepEqual(attemptsOf(firstRow), [
      ["st-kw-first", "failed"],
      ["st-kw-first-next", "ok"],
    ]);
    assert.equal(lateRow?.isIncomplete, true);
  });
});
