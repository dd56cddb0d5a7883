import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import type { CallLogDetail } from "../../db/queries/call-logs";
import { parseJson, startGateway, streamedContent, type Captured, type Gateway } from "../support/seed";

// Hedged first tokens (issue 19): a slow first provider gets the next one started beside it.

const messages = [{ role: "user" as const, content: "Say hello" }];
const USAGE = { prompt_tokens: 7, completion_tokens: 5 };
const PRICES = { priceInput: 2, priceOutput: 4 };
const COST = (7 * 2 + 5 * 4) / 1_000_000;

function contentOf(response: Captured): string | undefined {
  return parseJson<{ choices: { message: { content: string } }[] }>(response).choices[0]?.message.content;
}

function attemptsOf(row: CallLogDetail | undefined): [string, string][] {
  return (row?.attempts ?? []).map((attempt) => [attempt.providerName, attempt.outcome]);
}

/** Waits until the mock saw the request to `model` closed by the gateway. */
async function assertAborted(gw: Gateway, model: string): Promise<void> {
  const [call] = gw.mock.callsFor(model);
  assert.ok(call, `${model} was called`);
  await gw.mock.waitFor(
    () => call.closedAt !== null,
    5_000,
    () => `the request to ${model} to be closed`,
  );
  assert.equal(call.aborted, true, `${model} saw the abort`);
}

describe("hedged first tokens", () => {
  let gw: Gateway;
  let key: string;

  before(async () => {
    gw = await startGateway({
      settings: { hedgeBudgetPercent: 100, maxAttempts: 3 },
      async seed(s) {
        const fixed = { mode: "fixed", delayMs: 150 } as const;
        await s.group(
          "hedged",
          [
            { model: "hd-slow", ...PRICES },
            { model: "hd-fast", ...PRICES },
          ],
          undefined,
          undefined,
          fixed,
        );
        await s.group(
          "hedged-stream",
          [
            { model: "hds-slow", ...PRICES },
            { model: "hds-fast", ...PRICES },
          ],
          undefined,
          undefined,
          fixed,
        );
        await s.group(
          "on-time",
          [
            { model: "hd-prompt", ...PRICES },
            { model: "hd-spare", ...PRICES },
          ],
          undefined,
          undefined,
          { mode: "fixed", delayMs: 3_000 },
        );
        await s.group(
          "hedge-fails",
          [
            { model: "hdf-slow", ...PRICES },
            { model: "hdf-broken", ...PRICES },
          ],
          undefined,
          undefined,
          fixed,
        );
        await s.group("unhedged", ["hd-plain-slow", "hd-plain-next"]);
        key = await s.key("client", { allGroups: true });
      },
    });
    gw.mock.setBehavior("*", { usage: USAGE });
  });

  after(async () => {
    await gw?.stop();
  });

  it("starts the next provider when the first is slow, answers from it and aborts the slow one", async () => {
    gw.mock.setBehavior("hd-slow", { delayBeforeHeadersMs: 8_000, usage: USAGE });
    const response = await gw.chat(key, { model: "hedged", messages });
    assert.equal(response.status, 200);
    assert.equal(contentOf(response), "Hello from hd-fast");
    assert.ok(response.elapsedMs < 5_000, `answered in ${response.elapsedMs} ms, long before the slow one`);
    await assertAborted(gw, "hd-slow");
    const [row] = await gw.settle();
    assert.equal(row?.providerName, "hd-fast");
    assert.deepEqual(attemptsOf(row), [
      ["hd-slow", "cancelled"],
      ["hd-fast", "ok"],
    ]);
    assert.match(row?.attempts[0]?.reason ?? "", /hedge lost to "hd-fast"/);
    assert.equal(row?.attempts[0]?.cost, 0, "the loser was aborted before any token: nothing billed");
    assert.ok(Math.abs((row?.attempts[1]?.cost ?? -1) - COST) < 1e-12, "the winner's attempt shows its cost");
    assert.ok(Math.abs((row?.cost ?? 0) - COST) < 1e-12);
  });

  it("hedges a stream through the openai SDK: the client sees only the fast provider's events", async () => {
    gw.mock.setBehavior("hds-slow", { delayBeforeHeadersMs: 8_000, usage: USAGE });
    gw.mock.setBehavior("hds-fast", { chunks: ["Hel", "lo"], usage: USAGE });
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    const { data: stream, request_id: requestId } = await client.chat.completions
      .create({ model: "hedged-stream", messages, stream: true })
      .withResponse();
    gw.track(requestId);
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    assert.equal(text, "Hello");
    await assertAborted(gw, "hds-slow");
    const [row] = await gw.settle();
    assert.deepEqual(attemptsOf(row), [
      ["hds-slow", "cancelled"],
      ["hds-fast", "ok"],
    ]);
    assert.equal(row?.isStream, true);
  });

  it("does not hedge when the first token is on time", async () => {
    const response = await gw.chat(key, { model: "on-time", messages });
    assert.equal(contentOf(response), "Hello from hd-prompt");
    const stream = gw.stream(key, { model: "on-time", messages, stream: true });
    const result = await stream.finished;
    assert.equal(streamedContent(result.body), "Hello from hd-prompt");
    assert.equal(gw.mock.callsFor("hd-spare").length, 0, "the spare was never called");
    const rows = await gw.settle();
    for (const row of rows) assert.deepEqual(attemptsOf(row), [["hd-prompt", "ok"]]);
  });

  it("keeps waiting for the first provider when the hedge fails, and logs both", async () => {
    gw.mock.setBehavior("hdf-slow", { delayBeforeHeadersMs: 600, usage: USAGE });
    gw.mock.setBehavior("hdf-broken", { status: 500 });
    const response = await gw.chat(key, { model: "hedge-fails", messages });
    assert.equal(contentOf(response), "Hello from hdf-slow");
    const [row] = await gw.settle();
    assert.deepEqual(attemptsOf(row), [
      ["hdf-broken", "failed"],
      ["hdf-slow", "ok"],
    ]);
  });

  it("never hedges a group with hedging off", async () => {
    gw.mock.setBehavior("hd-plain-slow", { delayBeforeHeadersMs: 400, usage: USAGE });
    const response = await gw.chat(key, { model: "unhedged", messages });
    assert.equal(contentOf(response), "Hello from hd-plain-slow");
    assert.equal(gw.mock.callsFor("hd-plain-next").length, 0);
    await gw.settle();
  });
});

describe("the hedge budget", () => {
  let gw: Gateway;
  let key: string;

  before(async () => {
    gw = await startGateway({
      settings: { hedgeBudgetPercent: 50 },
      async seed(s) {
        await s.group("budgeted", ["hb-slow", "hb-fast"], undefined, undefined, { mode: "fixed", delayMs: 50 });
        key = await s.key("client", { allGroups: true });
      },
    });
    gw.mock.setBehavior("hb-slow", { delayBeforeHeadersMs: 400 });
  });

  after(async () => {
    await gw?.stop();
  });

  it("hedges at most the budgeted share of requests per minute (50%: 5 of 10)", async () => {
    const served: (string | undefined)[] = [];
    for (let index = 0; index < 10; index += 1)
      served.push(contentOf(await gw.chat(key, { model: "budgeted", messages })));
    const hedges = gw.mock.callsFor("hb-fast").length;
    assert.equal(hedges, 5, `hedges: ${hedges}, served: ${served.join(", ")}`);
    assert.equal(gw.mock.callsFor("hb-slow").length, 10, "every request started at its first provider");
    const rows = await gw.settle();
    const hedged = rows.filter((row) => row.attempts.some((attempt) => attempt.outcome === "cancelled"));
    assert.equal(hedged.length, 5, "every hedge shows in its row with the loser cancelled");
  });
});
