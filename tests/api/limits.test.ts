import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { utcDayStart, utcMonthStart } from "../../db/queries/key-spend";
import { DAY_MS } from "../../db/queries/usage-rollup";
import { findClosedPort } from "../support/server";
import {
  assertErrorShape,
  parseJson,
  sleep,
  startGateway,
  waitUntil,
  type Captured,
  type Gateway,
} from "../support/seed";

// Issue 18: the gateway's own limits and budgets, enforced before any upstream is called.

const WINDOW_MS = 4_000;
const messages = [{ role: "user", content: "Say hello" }];
/** Every mock answer reports this usage: 80 tokens, priced at 1 + 2 per 1M → $0.00012. */
const USAGE = { prompt_tokens: 40, completion_tokens: 40 };
const COST = (40 * 1 + 40 * 2) / 1_000_000;

/** Fixed windows are aligned to the clock: start a burst just after a window opens. */
async function atWindowStart(): Promise<void> {
  const into = Date.now() % WINDOW_MS;
  if (into > 150) await sleep(WINDOW_MS - into + 30);
}

function contentOf(response: Captured): string | undefined {
  return parseJson<{ choices: { message: { content: string } }[] }>(response).choices[0]?.message.content;
}

/** Waits out the window the response's reset header names. */
async function afterReset(response: Captured, suffix: "requests" | "tokens"): Promise<void> {
  const reset = response.headers[`x-ratelimit-reset-${suffix}`] ?? "";
  const match = /^(\d+)(ms|s)$/.exec(reset);
  assert.ok(match, `x-ratelimit-reset-${suffix} is "${reset}"`);
  await sleep(Number(match[1]) * (match[2] === "s" ? 1_000 : 1) + 50);
}

describe("limits and budgets (in process)", () => {
  let gw: Gateway;
  const keys: Record<string, string> = {};

  before(async () => {
    gw = await startGateway({
      env: { RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_MS / 1_000) },
      async seed(s) {
        await s.group("lim", ["lim-a"]);
        await s.group("lim-group", ["lim-g"], { rpm: 2, tpm: null });
        await s.group("lim-provider", [{ model: "lim-p1", limits: { rpm: 1, tpm: null } }, "lim-p2"]);
        await s.group("lim-provider-only", [{ model: "lim-p3", limits: { rpm: 1, tpm: null } }]);
        keys.rpm = await s.key("rpm-3", { groups: ["lim"], limits: { rpm: 3 } });
        keys.tpm = await s.key("tpm-100", { groups: ["lim"], limits: { tpm: 100 } });
        keys.tpmWarm = await s.key("tpm-warm-up", { groups: ["lim"], limits: { tpm: 100_000 } });
        keys.concurrent = await s.key("two-at-once", { groups: ["lim"], limits: { maxConcurrent: 2 } });
        keys.day = await s.key("daily", { groups: ["lim"], limits: { budgetDay: COST / 2 } });
        keys.month = await s.key("monthly", { groups: ["lim"], limits: { budgetMonth: COST / 2 } });
        keys.total = await s.key("total", { groups: ["lim"], limits: { budgetTotal: COST / 2 } });
        keys.groupA = await s.key("group-a", { groups: ["lim-group"] });
        keys.groupB = await s.key("group-b", { groups: ["lim-group"] });
        keys.providers = await s.key("providers", { groups: ["lim-provider", "lim-provider-only"] });
      },
    });
    for (const model of ["lim-a", "lim-g", "lim-p1", "lim-p2", "lim-p3"]) gw.mock.setBehavior(model, { usage: USAGE });
  });

  after(async () => {
    await gw?.stop();
  });

  it("refuses the request over a key's RPM with OpenAI's 429 and headers, and admits again after the window", async () => {
    await atWindowStart();
    const served: Captured[] = [];
    for (let i = 0; i < 3; i += 1) served.push(await gw.chat(keys.rpm!, { model: "lim", messages }));
    assert.deepEqual(
      served.map((response) => [response.status, response.headers["x-ratelimit-remaining-requests"]]),
      [
        [200, "2"],
        [200, "1"],
        [200, "0"],
      ],
    );
    assert.equal(served[0]!.headers["x-ratelimit-limit-requests"], "3");
    const refused = await gw.chat(keys.rpm!, { model: "lim", messages });
    const error = assertErrorShape(refused, 429, "rate_limit_exceeded");
    assert.equal(error.type, "requests");
    assert.match(error.message, /requests per min \(RPM\) on API key "rpm-3": Limit 3, Used 3, Requested 1/);
    assert.ok(Number(refused.headers["retry-after"]) >= 1, `retry-after ${refused.headers["retry-after"]}`);
    assert.equal(refused.headers["x-ratelimit-remaining-requests"], "0");
    assert.equal(gw.mock.callsFor("lim-a").length, 3, "the refused request never reached the upstream");
    await afterReset(refused, "requests");
    const again = await gw.chat(keys.rpm!, { model: "lim", messages });
    assert.equal(again.status, 200);
    const rows = await gw.settle();
    assert.deepEqual(
      rows.map((row) => row.status),
      [200, 200, 200, 429, 200],
    );
    assert.match(rows[3]?.error ?? "", /Rate limit reached/);
  });

  it("reserves an estimate against TPM, settles to the real usage, and refuses once the tokens are spent", async () => {
    // The first token-limited request loads the tokenizer (a second or more on a busy machine):
    // done with another key first, so the requests below stay inside one window.
    assert.equal((await gw.chat(keys.tpmWarm!, { model: "lim", messages })).status, 200);
    await atWindowStart();
    const first = await gw.chat(keys.tpm!, { model: "lim", messages });
    assert.equal(first.status, 200);
    assert.equal(first.headers["x-ratelimit-limit-tokens"], "100");
    const second = await gw.chat(keys.tpm!, { model: "lim", messages });
    // 80 settled from the first answer plus this request's small estimate still fit in 100.
    assert.equal(second.status, 200);
    assert.ok(Number(second.headers["x-ratelimit-remaining-tokens"]) < 20, "the first answer's 80 tokens count");
    const refused = await gw.chat(keys.tpm!, { model: "lim", messages });
    const error = assertErrorShape(refused, 429, "rate_limit_exceeded");
    assert.equal(error.type, "tokens");
    assert.match(error.message, /tokens per min \(TPM\) on API key "tpm-100": Limit 100, Used 160/);
    const tooLarge = await gw.chat(keys.tpm!, { model: "lim", messages, max_tokens: 500 });
    assert.match(assertErrorShape(tooLarge, 429, "rate_limit_exceeded").message, /Request too large/);
    await afterReset(refused, "tokens");
    assert.equal((await gw.chat(keys.tpm!, { model: "lim", messages })).status, 200);
    await gw.settle();
  });

  it("refuses a third request in flight for a key limited to two, and admits once one has finished", async () => {
    gw.mock.setBehavior("lim-a", { usage: USAGE, chunks: ["a", "b", "c"], chunkDelayMs: 400 });
    const body = { model: "lim", messages, stream: true };
    const streams = [gw.stream(keys.concurrent!, body), gw.stream(keys.concurrent!, body)];
    for (const stream of streams) await stream.waitForText((text) => text.includes('"a"'));
    const refused = await gw.chat(keys.concurrent!, { model: "lim", messages });
    assert.match(
      assertErrorShape(refused, 429, "rate_limit_exceeded").message,
      /concurrent requests on API key "two-at-once": Limit 2/,
    );
    const ended = await streams[0]!.finished;
    assert.match(ended.body, /\[DONE\]/);
    gw.mock.setBehavior("lim-a", { usage: USAGE });
    assert.equal((await gw.chat(keys.concurrent!, { model: "lim", messages })).status, 200);
    await streams[1]!.finished;
    await gw.settle();
  });

  for (const [label, keyName, moveTo] of [
    ["daily", "day", (now: number) => utcDayStart(now) - DAY_MS],
    ["monthly", "month", (now: number) => utcMonthStart(now) - DAY_MS],
  ] as const) {
    it(`refuses a key over its ${label} budget with insufficient_quota, and admits it in the next period`, async () => {
      const key = keys[keyName]!;
      assert.equal((await gw.chat(key, { model: "lim", messages })).status, 200);
      const refused = await gw.chat(key, { model: "lim", messages });
      const error = assertErrorShape(refused, 429, "insufficient_quota");
      assert.equal(error.type, "insufficient_quota");
      assert.match(error.message, new RegExp(`${label} budget`));
      assert.ok(Number(refused.headers["retry-after"]) >= 1);
      // The spend now lies in the previous period, as it will once the day or month has turned.
      const [row] = await gw.settle();
      await gw.db
        .updateTable("usage_daily")
        .set({ day_start: moveTo(Date.now()) })
        .where("api_key_id", "=", row!.apiKeyId!)
        .execute();
      const admitted = await waitUntil(
        async () => {
          const response = await gw.chat(key, { model: "lim", messages });
          return response.status === 200 ? response : (await sleep(250), undefined);
        },
        10_000,
        `the ${label} budget to admit again`,
      );
      assert.equal(contentOf(admitted), "Hello from lim-a");
      await gw.settle();
    });
  }

  it("lets a stream that crosses the budget finish, then refuses the next request", async () => {
    gw.mock.setBehavior("lim-a", { usage: USAGE, chunks: ["one ", "two ", "three"], chunkDelayMs: 50 });
    const stream = gw.stream(keys.total!, {
      model: "lim",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const ended = await stream.finished;
    assert.equal(ended.status, 200);
    assert.match(ended.body, /three/);
    assert.match(ended.body, /\[DONE\]/);
    gw.mock.setBehavior("lim-a", { usage: USAGE });
    const refused = await gw.chat(keys.total!, { model: "lim", messages });
    assert.match(assertErrorShape(refused, 429, "insufficient_quota").message, /total budget/);
    assert.equal(refused.headers["retry-after"], undefined, "a total budget does not come back by waiting");
    await gw.settle();
  });

  it("counts a group's RPM over every key calling it", async () => {
    await atWindowStart();
    assert.equal((await gw.chat(keys.groupA!, { model: "lim-group", messages })).status, 200);
    assert.equal((await gw.chat(keys.groupB!, { model: "lim-group", messages })).status, 200);
    const refused = await gw.chat(keys.groupA!, { model: "lim-group", messages });
    assert.match(assertErrorShape(refused, 429, "rate_limit_exceeded").message, /on model "lim-group"/);
    assert.equal(gw.mock.callsFor("lim-g").length, 2);
    await gw.settle();
  });

  it("skips a provider at its own RPM like an open breaker, and answers 429 when it is the only one", async () => {
    await atWindowStart();
    const first = await gw.chat(keys.providers!, { model: "lim-provider", messages });
    const second = await gw.chat(keys.providers!, { model: "lim-provider", messages });
    assert.deepEqual([contentOf(first), contentOf(second)], ["Hello from lim-p1", "Hello from lim-p2"]);
    assert.equal(gw.mock.callsFor("lim-p1").length, 1, "never called past its limit");
    assert.equal((await gw.chat(keys.providers!, { model: "lim-provider-only", messages })).status, 200);
    const refused = await gw.chat(keys.providers!, { model: "lim-provider-only", messages });
    assertErrorShape(refused, 429, "rate_limited");
    assert.ok(Number(refused.headers["retry-after"]) >= 1);
    assert.equal(gw.mock.callsFor("lim-p3").length, 1);
    const rows = await gw.settle();
    assert.deepEqual(
      rows[1]?.attempts.map((attempt) => [attempt.providerName, attempt.outcome, attempt.reason]),
      [
        ["lim-p1", "skipped", "provider limit reached: 1 requests per minute"],
        ["lim-p2", "ok", null],
      ],
    );
  });
});

describe("limits when Redis cannot be reached", () => {
  let gw: Gateway;
  let key: string;

  before(async () => {
    const port = await findClosedPort();
    gw = await startGateway({
      env: { REDIS_URL: `redis://127.0.0.1:${port}` },
      settings: { metricsToken: "limits-metrics-token" },
      async seed(s) {
        await s.group("lim-open", ["lim-open-a"]);
        key = await s.key("redis-down", { groups: ["lim-open"], limits: { rpm: 1 } });
      },
    });
  });

  after(async () => {
    await gw?.stop();
  });

  it("fails open: requests are served without limits and the store errors are counted", async () => {
    for (let i = 0; i < 3; i += 1) assert.equal((await gw.chat(key, { model: "lim-open", messages })).status, 200);
    const metrics = await fetch(`${gw.baseUrl}/metrics`, { headers: { authorization: "Bearer limits-metrics-token" } });
    const text = await metrics.text();
    const errors = /gateway_limit_store_errors_total\{store="redis"\} (\d+)/.exec(text);
    assert.ok(errors && Number(errors[1]) >= 3, `store errors counted:\n${text.slice(0, 200)}`);
    assert.match(gw.server.output(), /Limits: the redis store failed/);
    await gw.settle();
  });
});
