import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver";
import { startGateway, type Gateway } from "../support/seed";

// Issue 21: OpenTelemetry spans over OTLP/HTTP, received by an in-test collector.

const messages = [{ role: "user" as const, content: "Say hello" }];
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

function clientTrace(): { traceId: string; parentId: string; header: string } {
  const traceId = randomBytes(16).toString("hex");
  const parentId = randomBytes(8).toString("hex");
  return { traceId, parentId, header: `00-${traceId}-${parentId}-01` };
}

function requestSpan(receiver: OtlpReceiver, requestId: string): Promise<ReceivedSpan> {
  return receiver.waitFor(
    (spans) => spans.find((span) => span.kind === SERVER && span.attributes["gateway.request_id"] === requestId),
    `request span of ${requestId}`,
  );
}

function attemptSpans(receiver: OtlpReceiver, parent: ReceivedSpan, count: number): Promise<ReceivedSpan[]> {
  return receiver.waitFor((spans) => {
    const children = spans.filter((span) => span.parentSpanId === parent.spanId);
    return children.length >= count ? children : undefined;
  }, `${count} attempt span(s)`);
}

describe("OpenTelemetry traces", () => {
  let receiver: OtlpReceiver;
  let gw: Gateway;
  let key: string;

  before(async () => {
    receiver = await startOtlpReceiver();
    gw = await startGateway({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: "50",
        OTEL_SERVICE_NAME: "gateway-under-test",
      },
      async seed(s) {
        await s.group("traced", ["tr-model"]);
        await s.group("traced-failover", ["tr-broken", "tr-next"]);
        key = await s.key("tracer", { allGroups: true });
      },
    });
    gw.mock.setBehavior("*", { usage: { prompt_tokens: 7, completion_tokens: 5 } });
  });

  after(async () => {
    await gw?.stop();
    await receiver?.close();
  });

  it("a request span under the client's traceparent, an attempt span under it, and the attempt's traceparent upstream", async () => {
    const client = clientTrace();
    const response = await gw.chat(key, { model: "traced", messages }, { headers: { traceparent: client.header } });
    assert.equal(response.status, 200);
    const requestId = response.headers["x-request-id"]!;
    const span = await requestSpan(receiver, requestId);
    assert.equal(span.traceId, client.traceId, "the client's trace continues");
    assert.equal(span.parentSpanId, client.parentId, "child of the client's span");
    assert.equal(span.name, "chat traced");
    assert.equal(span.resource["service.name"], "gateway-under-test");
    assert.deepEqual(
      {
        operation: span.attributes["gen_ai.operation.name"],
        system: span.attributes["gen_ai.system"],
        requestModel: span.attributes["gen_ai.request.model"],
        responseModel: span.attributes["gen_ai.response.model"],
        input: span.attributes["gen_ai.usage.input_tokens"],
        output: span.attributes["gen_ai.usage.output_tokens"],
        status: span.attributes["http.response.status_code"],
        finish: span.attributes["gen_ai.response.finish_reasons"],
      },
      {
        operation: "chat",
        system: "openai",
        requestModel: "traced",
        responseModel: "tr-model",
        input: 7,
        output: 5,
        status: 200,
        finish: ["stop"],
      },
    );
    const [attempt] = await attemptSpans(receiver, span, 1);
    assert.equal(attempt?.kind, CLIENT);
    assert.equal(attempt?.traceId, client.traceId);
    assert.equal(attempt?.name, "chat tr-model");
    assert.equal(attempt?.attributes["gen_ai.request.model"], "tr-model");
    assert.equal(attempt?.attributes["gen_ai.usage.output_tokens"], 5);
    assert.equal(attempt?.attributes["server.address"], "127.0.0.1");
    const [call] = gw.mock.callsFor("tr-model");
    assert.equal(
      call?.headers.traceparent,
      `00-${client.traceId}-${attempt?.spanId}-01`,
      "the upstream sees the attempt span",
    );
    assert.ok(
      receiver.contentTypes.every((type) => type.startsWith("application/json")),
      "OTLP/HTTP JSON",
    );
    const [row] = await gw.settle();
    assert.equal(row?.requestId, requestId);
  });

  it("one attempt span per provider tried: the failed one marked as an error", async () => {
    gw.mock.setBehavior("tr-broken", { status: 500 });
    const response = await gw.chat(key, { model: "traced-failover", messages });
    assert.equal(response.status, 200);
    const span = await requestSpan(receiver, response.headers["x-request-id"]!);
    assert.equal(span.parentSpanId, "", "no client trace: a new root");
    const attempts = await attemptSpans(receiver, span, 2);
    const broken = attempts.find((each) => each.attributes["gateway.provider.name"] === "tr-broken");
    const next = attempts.find((each) => each.attributes["gateway.provider.name"] === "tr-next");
    assert.equal(broken?.status.code, ERROR);
    assert.equal(broken?.attributes["http.response.status_code"], 500);
    assert.equal(broken?.attributes["gateway.attempt.outcome"], "failed");
    assert.equal(next?.attributes["gateway.attempt.outcome"], "ok");
    assert.notEqual(next?.status.code, ERROR);
    assert.equal(span.attributes["gateway.attempts"], 2);
    await gw.settle();
  });

  it("traces a stream from the openai SDK to its end, with its usage", async () => {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    const { data: stream, request_id: requestId } = await client.chat.completions
      .create({ model: "traced", messages, stream: true })
      .withResponse();
    gw.track(requestId);
    for await (const chunk of stream) void chunk;
    const span = await requestSpan(receiver, requestId!);
    assert.equal(span.attributes["gateway.stream"], true);
    assert.equal(span.attributes["gen_ai.usage.output_tokens"], 5);
    assert.equal(typeof span.attributes["gateway.ttft_ms"], "number");
    await gw.settle();
  });
});

describe("tracing off", () => {
  let gw: Gateway;
  let key: string;

  before(async () => {
    gw = await startGateway({
      async seed(s) {
        await s.group("untraced", ["tr-off"]);
        key = await s.key("plain", { allGroups: true });
      },
    });
  });

  after(async () => {
    await gw?.stop();
  });

  it("passes the client's traceparent to the upstream unchanged", async () => {
    const client = clientTrace();
    const response = await gw.chat(
      key,
      { model: "untraced", messages },
      { headers: { traceparent: client.header, tracestate: "vendor=1" } },
    );
    assert.equal(response.status, 200);
    const [call] = gw.mock.callsFor("tr-off");
    assert.equal(call?.headers.traceparent, client.header);
    assert.equal(call?.headers.tracestate, "vendor=1");
    await gw.settle();
  });
});
