import assert from "node:assert/strict";
import { createServer, connect, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { AttemptControl } from "../../../lib/gateway/attempt-control";

/** Keeps the event loop busy, as a burst of work or a long GC pause would. */
function stallFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("attempt deadlines after an event-loop stall", () => {
  let server: Server;
  let port = 0;
  const peers: Socket[] = [];

  before(async () => {
    server = createServer((socket) => peers.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    port = typeof address === "object" && address ? address.port : 0;
  });

  after(() => {
    for (const peer of peers) peer.destroy();
    server.close();
  });

  async function connected(): Promise<{ client: Socket; peer: Socket }> {
    const before = peers.length;
    const client = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => client.once("connect", resolve));
    while (peers.length === before) await wait(1);
    return { client, peer: peers[peers.length - 1]! };
  }

  it("does not time out the first token when it arrived during the stall", async () => {
    const { client, peer } = await connected();
    const control = new AttemptControl(new AbortController().signal, {
      connectMs: 1_000,
      firstTokenMs: 50,
      totalMs: 10_000,
    });
    client.once("data", () => control.startIdleWatch());
    // The answer reaches the socket at 10 ms, while the loop is stuck until 150 ms: when it
    // wakes, the expired 50 ms timer and the data are both waiting.
    setTimeout(() => peer.write("data: first token\n\n"), 10);
    await wait(5);
    stallFor(150);
    await wait(20);
    assert.equal(control.cause, null, "the token was there in time");
    control.dispose();
    client.destroy();
  });

  it("still times out a first token that never came", async () => {
    const { client } = await connected();
    const control = new AttemptControl(new AbortController().signal, {
      connectMs: 1_000,
      firstTokenMs: 50,
      totalMs: 10_000,
    });
    client.once("data", () => control.startIdleWatch());
    stallFor(100);
    await wait(20);
    assert.equal(control.cause, "first_token_timeout");
    assert.equal(control.signal.aborted, true);
    control.dispose();
    client.destroy();
  });

  it("does not call a read idle when its chunk arrived during the stall", async () => {
    const { client, peer } = await connected();
    const control = new AttemptControl(new AbortController().signal, {
      connectMs: 1_000,
      firstTokenMs: 50,
      totalMs: 10_000,
    });
    control.startIdleWatch();
    control.beginRead();
    client.once("data", () => control.endRead());
    setTimeout(() => peer.write("data: next\n\n"), 10);
    await wait(5);
    stallFor(150);
    await wait(20);
    assert.equal(control.cause, null, "the chunk was there in time");
    control.beginRead();
    await wait(120);
    assert.equal(control.cause, "idle_timeout", "a read that really waits still times out");
    control.dispose();
    client.destroy();
  });
});
