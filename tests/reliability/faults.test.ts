import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { findClosedPort, TEST_ENCRYPTION_KEY } from "../support/server";
import { startGateway, streamedContent, type Gateway } from "../support/seed";
import { FigureBook, percentile } from "./support/figures";
import { CaseChecker } from "./support/invariants";
import { readMemoryMb } from "./support/load-client";

/*
 * Cross-cutting figures of RELIABILITY A–C and G over the production server: the extra latency
 * a failover costs, how fast a client's disconnect reaches the upstream, and that the relay and
 * the provider test never reach a metadata address (by any spelling or through a redirect).
 * tests/api covers each fault's own behaviour; this file measures and checks the invariants.
 */

const root = new URL("../..", import.meta.url).pathname;
const messages = [{ role: "user", content: "ping" }];
const SAMPLES = 40;
const WARM_UP_ROUNDS = 5;
const METADATA_URLS = [
  "http://169.254.169.254/v1",
  "http://[::ffff:169.254.169.254]/v1",
  "http://2852039166/v1",
  "http://0xa9.0xfe.0xa9.0xfe/v1",
  "http://[fd00:ec2::254]/v1",
];

describe("reliability: failover cost, disconnects and outbound policy", () => {
  const book = new FigureBook("faults");
  let gw: Gateway;
  let key: string;
  let checker: CaseChecker;
  let closedPort: number;

  before(async () => {
    closedPort = await findClosedPort();
    gw = await startGateway({
      // The breaker must not skip the failing provider while latencies are sampled.
      settings: { failoverThreshold: 1000, maxAttempts: 8 },
      async seed(s) {
        await s.endpoint("closed", `http://127.0.0.1:${closedPort}/v1`);
        await s.group("direct", ["fx-direct"]);
        await s.group("after-503", ["fx-503", "fx-503-next"]);
        await s.group("after-refused", [{ model: "fx-refused", endpoint: "closed" }, "fx-refused-next"]);
        await s.group("after-reset", ["fx-reset", "fx-reset-next"]);
        await s.group("gone", ["fx-gone"]);
        await s.group("firehose", ["fx-firehose"]);
        const metadataChain = [];
        for (const [index, url] of METADATA_URLS.entries()) {
          await s.endpoint(`metadata-${index}`, url);
          metadataChain.push({ model: `fx-metadata-${index}`, endpoint: `metadata-${index}`, priority: 1 });
        }
        await s.group("metadata", [...metadataChain, { model: "fx-metadata-next", priority: 2 }]);
        await s.group("redirect", ["fx-redirect", "fx-redirect-next"]);
        key = await s.key("app", { allGroups: true });
      },
    });
    gw.hiddenPorts.push(closedPort);
    checker = new CaseChecker(gw, book, "B");
  });

  after(async () => {
    await gw?.stop();
  });

  async function timeOne(group: string): Promise<number> {
    const response = await gw.chat(key, { model: group, messages });
    assert.equal(response.status, 200, response.body.slice(0, 300));
    return response.elapsedMs;
  }

  it("costs little extra latency to fail over from a 503, a refused connection or a reset", async () => {
    gw.mock.setBehavior("fx-503", { status: 503 });
    gw.mock.setBehavior("fx-reset", { resetAfterChunks: 0 });
    const failing = [
      ["after-503", 2],
      ["after-refused", 1],
      ["after-reset", 2],
    ] as const;
    const groups = ["direct", ...failing.map(([group]) => group)];
    const samples = new Map<string, number[]>(groups.map((group) => [group, []]));
    // Interleaved rounds, the first ones as warm-up, so drift and JIT hit every group alike.
    for (let round = -WARM_UP_ROUNDS; round < SAMPLES; round += 1) {
      for (const group of groups) {
        const elapsed = await timeOne(group);
        if (round >= 0) samples.get(group)!.push(elapsed);
      }
    }
    const rounds = SAMPLES + WARM_UP_ROUNDS;
    const rows = await checker.check({
      mockCalls: rounds * (1 + failing.reduce((sum, [, calls]) => sum + calls, 0)),
      faults: rounds * failing.length,
    });
    const direct = samples.get("direct")!;
    for (const [group] of failing) {
      const groupRows = rows.filter((row) => row.groupName === group);
      assert.ok(
        groupRows.every((row) => row.attempts.length === 2 && row.attempts[0]?.outcome === "failed"),
        `${group}: two attempts each`,
      );
      // What the failover cost, as the server measured it: the failed attempt before the good one.
      const failedAttempts = groupRows.slice(-SAMPLES).map((row) => row.attempts[0]!.latencyMs);
      const extra = { p50: percentile(failedAttempts, 0.5), p95: percentile(failedAttempts, 0.95) };
      // And as the client saw it: the request's latency against a direct one of the same round.
      const latencies = samples.get(group)!;
      const paired = latencies.map((ms, index) => ms - direct[index]!);
      book.update((figures) =>
        figures.failoverExtraMs.push({
          label: group,
          ...extra,
          clientPairedP50: percentile(paired, 0.5),
          samples: SAMPLES,
        }),
      );
      assert.ok(extra.p95 < 250, `${group}: failover adds ${extra.p95.toFixed(1)} ms at p95`);
    }
  });

  it("closes the upstream within 1 s of every client disconnect, before and after the first token", async () => {
    const closeTimes: number[] = [];
    for (const phase of ["before", "after"] as const) {
      gw.mock.setBehavior(
        "fx-gone",
        phase === "before"
          ? { delayBeforeHeadersMs: 20_000 }
          : { chunks: Array.from({ length: 50 }, (_, i) => ` w${i}`), chunkDelayMs: 100 },
      );
      for (let i = 0; i < 5; i += 1) {
        const client = gw.stream(key, { model: "gone", messages, stream: true });
        if (phase === "after") await client.waitForText((text) => text.includes("w0"));
        else
          await gw.mock.waitFor(
            () => gw.mock.activeRequests === 1,
            5_000,
            () => "the upstream request",
          );
        const call = gw.mock.calls.at(-1)!;
        const abortedAt = client.abort();
        await gw.mock.waitFor(
          () => call.closedAt !== null,
          3_000,
          () => "the upstream to close",
        );
        closeTimes.push(call.closedAt! - abortedAt);
        await client.finished;
      }
    }
    const rows = await checker.check({ mockCalls: 10, faults: 10, category: "C" });
    assert.ok(rows.every((row) => row.status === 499));
    book.update((figures) => figures.disconnectToCloseMs.push(...closeTimes));
    assert.ok(
      Math.max(...closeTimes) < 1_000,
      `upstream closed at most ${Math.max(...closeTimes).toFixed(0)} ms after a disconnect`,
    );
  });

  it("keeps memory bounded for a client that reads nothing while the provider streams 64 MB", async () => {
    const PIECES = 4_000;
    const piece = "x".repeat(16_384);
    // A 1 ms pause before each piece makes the mock write piece by piece, waiting out backpressure.
    gw.mock.setBehavior("fx-firehose", { chunks: Array.from({ length: PIECES }, () => piece), chunkDelayMs: 1 });
    const pid = gw.server.process.pid!;
    const before = (await readMemoryMb(pid))!.rss;
    let peak = before;
    // A raw client that takes the headers and then never reads: the kernel buffers fill up.
    const request = http.request(`${gw.baseUrl}/v1/chat/completions`, {
      method: "POST",
      agent: false,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    });
    const requestId = await new Promise<string | null>((resolve, reject) => {
      request.on("response", (response) => {
        response.pause();
        const id = response.headers["x-request-id"];
        resolve(typeof id === "string" ? id : null);
      });
      request.on("error", reject);
      request.end(JSON.stringify({ model: "firehose", messages, stream: true }));
    });
    gw.track(requestId);
    const call = gw.mock.calls.at(-1)!;
    const sentAt: number[] = [];
    for (let i = 1; i <= 30; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      peak = Math.max(peak, (await readMemoryMb(pid))!.rss);
      if (i % 10 === 0) sentAt.push(call.chunksSent);
    }
    const sent = call.chunksSent;
    request.destroy();
    await gw.mock.waitFor(
      () => call.closedAt !== null,
      3_000,
      () => "the upstream to close",
    );
    const [row] = await checker.check({ mockCalls: 1, faults: 1, category: "C" });
    assert.equal(row!.status, 499);
    // Once the buffers between them are full, the provider makes no progress: backpressure reaches it.
    assert.ok(
      sent < PIECES / 4 && sentAt[1] === sentAt[2],
      `the provider was held back: ${sentAt.join(" → ")} of ${PIECES} pieces sent`,
    );
    assert.ok(peak - before < 32, `server memory grew by ${(peak - before).toFixed(0)} MB`);
  });

  it("never lets the relay reach a metadata address, in any spelling, and fails over past it", async () => {
    const response = await gw.chat(key, { model: "metadata", messages });
    assert.equal(response.status, 200, response.body);
    const [row] = await checker.check({ mockCalls: 1, faults: METADATA_URLS.length, category: "G" });
    const blocked = row!.attempts.filter(
      (attempt) => attempt.providerName.startsWith("fx-metadata-") && attempt.providerName !== "fx-metadata-next",
    );
    // maxAttempts bounds how many of the blocked ones are tried; each one tried failed without a socket.
    assert.ok(
      blocked.length >= 1 && blocked.every((attempt) => attempt.outcome === "failed"),
      JSON.stringify(row!.attempts),
    );
    assert.equal(row!.providerName, "fx-metadata-next");
  });

  it("never follows a provider's redirect, even a streaming one, to a metadata address", async () => {
    gw.mock.setBehavior("fx-redirect", { status: 307, redirectTo: "http://169.254.169.254/latest/meta-data/" });
    const plain = await gw.chat(key, { model: "redirect", messages });
    assert.equal(plain.status, 200);
    const streamed = await gw.stream(key, { model: "redirect", messages, stream: true }).finished;
    assert.equal(streamedContent(streamed.body), "Hello from fx-redirect-next");
    const rows = await checker.check({ mockCalls: 4, faults: 2, category: "G" });
    for (const row of rows) {
      assert.deepEqual(
        row.attempts.map((attempt) => [attempt.providerName, attempt.outcome]),
        [
          ["fx-redirect", "failed"],
          ["fx-redirect-next", "ok"],
        ],
      );
      assert.match(row.attempts[0]?.reason ?? "", /not followed/);
    }
  });

  it("the provider test (CLI, the dashboard's code path) refuses metadata addresses too, without a secret in its output", () => {
    const run = spawnSync(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        "scripts/cli.ts",
        "providers",
        "test",
        "fx-metadata-0",
        "--json",
      ],
      {
        cwd: root,
        encoding: "utf8",
        env: {
          ...process.env,
          NODE_ENV: "production",
          DATABASE_URL: gw.server.databaseUrl,
          ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
          SECRETS_FILE: `${gw.server.dataDir}/secrets.json`,
        },
      },
    );
    assert.equal(run.status, 1, run.stderr);
    const [result] = JSON.parse(run.stdout) as { isOk: boolean; problem: string | null }[];
    assert.equal(result?.isOk, false);
    assert.equal(result?.problem, "addressBlocked");
    assert.ok(!`${run.stdout}${run.stderr}`.includes(gw.canaryKey));
    book.fault("G");
  });
});
