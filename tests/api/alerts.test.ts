import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createAlertTarget } from "../../db/queries/alerts";
import { createTestCipher } from "../support/server";
import { sleep, startGateway, type Gateway } from "../support/seed";
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "../support/webhook-receiver";

// Issue 21: alerts to webhook targets (generic JSON and Slack), deduplicated.

const messages = [{ role: "user", content: "Say hello" }];
const SECRET = "whsec-test-secret";
/** Every mock answer reports 40 + 40 tokens at 1 + 2 per 1M: $0.00012. */
const COST = (40 * 1 + 40 * 2) / 1_000_000;

type Details = Record<string, unknown>;
const detailsOf = (hook: ReceivedWebhook): Details => hook.body.details as Details;
const isEvent = (event: string, match: (details: Details) => boolean) => (body: Record<string, unknown>) =>
  body.event === event && match(body.details as Details);

describe("alerts", () => {
  let receiver: WebhookReceiver;
  let gw: Gateway;
  let key: string;
  let budgetKey: string;

  before(async () => {
    receiver = await startWebhookReceiver();
    gw = await startGateway({
      settings: {
        failoverThreshold: 1,
        failoverSampleSize: 1,
        cooldownSeconds: 1,
        alertErrorRatePercent: 50,
        alertErrorRateMinRequests: 4,
        alertErrorRateWindowSeconds: 60,
        alertCooldownSeconds: 600,
      },
      async seed(s) {
        await s.group("brk", ["brk-a", "brk-b"]);
        await s.group("all-fail", ["af-a", "af-b"]);
        await s.group("er", ["er-a"]);
        await s.group("budget", ["budget-a"]);
        key = await s.key("alerts", { groups: ["brk", "all-fail", "er"] });
        budgetKey = await s.key("budgeted", { groups: ["budget"], limits: { budgetTotal: COST * 1.2 } });
        const cipher = createTestCipher();
        await createAlertTarget(s.db, cipher, {
          name: "ops",
          kind: "generic",
          url: `${receiver.url}/generic`,
          secret: SECRET,
          events: ["breaker_opened", "group_failed", "budget_threshold", "error_rate"],
          isEnabled: true,
        });
        await createAlertTarget(s.db, cipher, {
          name: "chat",
          kind: "slack",
          url: `${receiver.url}/slack`,
          events: ["breaker_opened"],
          isEnabled: true,
        });
        await createAlertTarget(s.db, cipher, {
          name: "off",
          kind: "generic",
          url: `${receiver.url}/disabled`,
          events: ["breaker_opened", "group_failed"],
          isEnabled: false,
        });
      },
    });
    gw.mock.setBehavior("*", { usage: { prompt_tokens: 40, completion_tokens: 40 } });
    gw.mock.setBehavior("brk-a", { status: 503 });
    gw.mock.setBehavior("af-a", { status: 500 });
    gw.mock.setBehavior("af-b", { status: 502 });
    gw.mock.setBehavior("er-a", { status: 500 });
  });

  after(async () => {
    await gw?.stop();
    await receiver?.close();
  });

  it("sends a signed generic webhook naming the provider and reason when its breaker opens", async () => {
    const response = await gw.chat(key, { model: "brk", messages });
    assert.equal(response.status, 200, "failed over to brk-b");
    const hook = await receiver.waitFor(
      "/generic",
      isEvent("breaker_opened", (details) => details.provider === "brk-a"),
      "breaker of brk-a",
    );
    assert.equal(hook.body.severity, "warning");
    assert.equal(detailsOf(hook).reason, "failure_rate");
    assert.match(String(detailsOf(hook).reopenAt), /^\d{4}-\d\d-\d\dT/);
    assert.match(String(hook.body.summary), /brk-a/);
    assert.equal(typeof hook.body.gateway, "string");
    assert.match(String(hook.body.at), /^\d{4}-\d\d-\d\dT/);
    const timestamp = String(hook.headers["x-gateway-timestamp"]);
    const expected = `sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${hook.raw}`).digest("hex")}`;
    assert.equal(hook.headers["x-gateway-signature"], expected, "the signature verifies over timestamp.body");
    assert.ok(!hook.raw.includes(gw.canaryKey), "no provider key in the alert");
    await gw.settle();
  });

  it("sends the same alert to a Slack-compatible target as {text, blocks}, unsigned", async () => {
    const hook = await receiver.waitFor("/slack", (body) => String(body.text).includes("brk-a"), "slack breaker alert");
    assert.match(String(hook.body.text), /Circuit breaker opened for provider "brk-a" \(failure_rate\)/);
    assert.ok(Array.isArray(hook.body.blocks) && hook.body.blocks.length >= 2, "has blocks");
    assert.equal(hook.headers["x-gateway-signature"], undefined);
    assert.equal(receiver.matching("/disabled").length, 0, "a disabled target gets nothing");
  });

  it("does not send a second breaker alert within the cooldown when the breaker reopens", async () => {
    await sleep(1_200);
    const response = await gw.chat(key, { model: "brk", messages });
    assert.equal(response.status, 200);
    const [row] = await gw.settle();
    assert.ok(
      row!.attempts.some((attempt) => attempt.providerName === "brk-a" && attempt.status === 503),
      "the half-open probe went to brk-a and failed, reopening its breaker",
    );
    await sleep(700);
    const breakerHooks = receiver.matching(
      "/generic",
      isEvent("breaker_opened", (d) => d.provider === "brk-a"),
    );
    assert.equal(breakerHooks.length, 1, "deduplicated");
    assert.equal(receiver.matching("/slack", (body) => String(body.text).includes("brk-a")).length, 1);
  });

  it("sends group_failed when every provider of a group failed", async () => {
    const response = await gw.chat(key, { model: "all-fail", messages });
    assert.equal(response.status, 502);
    const hook = await receiver.waitFor(
      "/generic",
      isEvent("group_failed", (details) => details.group === "all-fail"),
      "group all-fail failing",
    );
    assert.equal(hook.body.severity, "critical");
    assert.equal(detailsOf(hook).status, 502);
    assert.equal(detailsOf(hook).providers, "af-a, af-b");
    await gw.settle();
  });

  it("sends budget alerts at 80% and at 100% of a key's budget, once each", async () => {
    assert.equal((await gw.chat(budgetKey, { model: "budget", messages })).status, 200);
    const at80 = await receiver.waitFor(
      "/generic",
      isEvent("budget_threshold", (details) => details.key === "budgeted" && details.thresholdPercent === 80),
      "80% of the budget",
    );
    assert.equal(detailsOf(at80).period, "total");
    assert.equal(at80.body.severity, "warning");
    assert.equal((await gw.chat(budgetKey, { model: "budget", messages })).status, 200);
    const at100 = await receiver.waitFor(
      "/generic",
      isEvent("budget_threshold", (details) => details.key === "budgeted" && details.thresholdPercent === 100),
      "100% of the budget",
    );
    assert.equal(at100.body.severity, "critical");
    assert.equal((await gw.chat(budgetKey, { model: "budget", messages })).status, 429, "the budget is enforced");
    await gw.settle();
    await sleep(300);
    const budgetHooks = receiver.matching(
      "/generic",
      isEvent("budget_threshold", (d) => d.key === "budgeted"),
    );
    assert.equal(budgetHooks.length, 2, "one per threshold");
  });

  it("sends error_rate when a group's error rate is above the threshold with enough requests", async () => {
    for (let index = 0; index < 3; index += 1) await gw.chat(key, { model: "er", messages });
    await sleep(400);
    assert.equal(
      receiver.matching(
        "/generic",
        isEvent("error_rate", (d) => d.group === "er"),
      ).length,
      0,
      "below the minimum count",
    );
    await gw.chat(key, { model: "er", messages });
    const hook = await receiver.waitFor(
      "/generic",
      isEvent("error_rate", (d) => d.group === "er"),
      "error rate of er",
    );
    assert.deepEqual(
      { percent: detailsOf(hook).percent, requests: detailsOf(hook).requests, errors: detailsOf(hook).errors },
      { percent: 100, requests: 4, errors: 4 },
    );
    assert.equal(
      receiver.matching(
        "/generic",
        isEvent("error_rate", (d) => d.group === "brk"),
      ).length,
      0,
    );
    await gw.settle();
  });
});
