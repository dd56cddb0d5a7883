import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startGateway, waitUntil, type Gateway } from "../support/seed";

// Structured logs (issue 21): JSON lines from pino, the level from LOG_LEVEL; at debug one line
// per finished API request under its request id, never the key or the request's text.

interface LogLine {
  level: string;
  time: string;
  pid: number;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

function jsonLines(output: string): LogLine[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

describe("structured logs", () => {
  let debug: Gateway;
  let quiet: Gateway;
  let key = "";

  before(async () => {
    debug = await startGateway({
      env: { LOG_LEVEL: "debug" },
      async seed(s) {
        await s.group("chat", ["log-a"]);
        key = await s.key("logged-app", { groups: ["chat"] });
      },
    });
    quiet = await startGateway({
      env: { LOG_LEVEL: "warn" },
      async seed(s) {
        await s.group("chat", ["log-b"]);
      },
    });
  });

  after(async () => {
    await debug?.stop();
    await quiet?.stop();
  });

  it("writes JSON lines with level, time and pid, starting with the listening line", () => {
    const lines = jsonLines(debug.server.output());
    const listening = lines.find((line) => /listening on http:/.test(line.msg));
    assert.ok(listening, `a listening line in:\n${debug.server.output()}`);
    assert.equal(listening.level, "info");
    assert.ok(Number.isFinite(Date.parse(listening.time)));
    assert.equal(typeof listening.pid, "number");
  });

  it("logs each request once at debug, by request id, without the key or the prompt", async () => {
    const secret = "the prompt text that must not be logged";
    const answer = await debug.chat(key, { model: "chat", messages: [{ role: "user", content: secret }] });
    assert.equal(answer.status, 200);
    const line = await waitUntil(
      () => jsonLines(debug.server.output()).find((each) => each.requestId === answer.requestId),
      10_000,
      "the request's log line",
    );
    assert.equal(line.level, "debug");
    assert.equal(line.msg, "request");
    assert.equal(line.status, 200);
    assert.equal(line.model, "chat");
    assert.equal(line.provider, "log-a");
    assert.equal(line.apiKey, "logged-app");
    const output = debug.server.output();
    assert.ok(!output.includes(key), "the API key never reaches the log");
    assert.ok(!output.includes(debug.canaryKey), "the upstream key never reaches the log");
    assert.ok(!output.includes(secret), "the request's text never reaches the log");
  });

  it("writes nothing below the configured level", async () => {
    await quiet.send("GET", "/v1/models", undefined, { key: null });
    const lines = jsonLines(quiet.server.output());
    assert.ok(lines.every((line) => line.level === "warn" || line.level === "error" || line.level === "fatal"));
    assert.ok(!lines.some((line) => line.msg === "request"));
  });
});
