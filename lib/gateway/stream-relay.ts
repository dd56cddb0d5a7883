import type { CommittedStream } from "./attempt-stream";
import { coalesceViews } from "./bytes";
import type { StreamRead } from "./upstream-stream";

/** How a committed stream ended, for the log and the breaker. */
export type StreamEnd =
  { kind: "complete" } | { kind: "incomplete"; reason: string; isTimeout: boolean } | { kind: "client_gone" };

export interface RelayHooks {
  /** Called exactly once, when the stream is over for whatever reason. */
  onFinish(end: StreamEnd): void;
  /** The single `data: {"error":…}` event that ends a broken stream. */
  renderErrorEvent(end: Extract<StreamEnd, { kind: "incomplete" }>): Uint8Array;
  /** Sees every byte sent to the client (the optional body log); null when not needed. */
  collect: ((bytes: Uint8Array) => void) | null;
}

/**
 * The client-facing body of a committed stream. Pull-based: upstream is read only when
 * the client has taken what was sent, so a slow reader holds at most one chunk in memory.
 * Raw upstream events pass through byte for byte; a failure after commit ends the stream
 * with one error event and no `[DONE]`, never another provider's text.
 */
export function createRelayStream(committed: CommittedStream, hooks: RelayHooks): ReadableStream<Uint8Array> {
  const { stream } = committed;
  let pending: Uint8Array[] | null = committed.pending;
  let isFinished = false;
  let isPulling = false;
  let clientController: ReadableStreamDefaultController<Uint8Array> | null = null;

  const finish = (end: StreamEnd): void => {
    if (isFinished) return;
    isFinished = true;
    stream.control.signal.removeEventListener("abort", onAbort);
    hooks.onFinish(end);
  };
  const closeClient = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    try {
      controller.close();
    } catch {
      // Already cancelled by the client.
    }
  };
  // A disconnect while no read is pending (client backpressure) still ends the row at once.
  const onAbort = (): void => {
    if (isPulling || stream.control.cause !== "client") return;
    stream.close();
    finish({ kind: "client_gone" });
    if (clientController) closeClient(clientController);
  };

  // One chunk per run of back-to-back events (see coalesceViews): same bytes, fewer writes.
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, events: readonly Uint8Array[]): void => {
    for (const chunk of events.length > 1 ? coalesceViews(events) : events) {
      controller.enqueue(chunk);
      hooks.collect?.(chunk);
    }
  };

  const settle = (
    controller: ReadableStreamDefaultController<Uint8Array>,
    read: StreamRead | { kind: "done" | "ended" },
  ): void => {
    if (read.kind === "done") {
      finish({ kind: "complete" });
      closeClient(controller);
      void stream.drainAndClose();
      return;
    }
    stream.close();
    if (read.kind === "aborted") {
      finish({ kind: "client_gone" });
      closeClient(controller);
      return;
    }
    const end: StreamEnd =
      read.kind === "ended"
        ? stream.inspector.finishReason !== null
          ? { kind: "complete" }
          : { kind: "incomplete", reason: "stream ended before the end marker", isTimeout: false }
        : read.kind === "broken"
          ? { kind: "incomplete", reason: read.reason, isTimeout: read.isTimeout }
          : { kind: "complete" };
    if (end.kind === "incomplete") send(controller, [hooks.renderErrorEvent(end)]);
    finish(end);
    closeClient(controller);
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      clientController = controller;
    },
    async pull(controller) {
      if (isFinished) return;
      if (pending) {
        const first = pending;
        pending = null;
        send(controller, first);
        if (committed.ending) settle(controller, { kind: committed.ending });
        return;
      }
      isPulling = true;
      try {
        for (;;) {
          const read = await stream.read();
          if (isFinished) return;
          send(controller, read.events);
          if (read.kind !== "more") return settle(controller, read);
          if (read.events.length > 0) return;
        }
      } catch {
        // A bug must still end the stream cleanly and leave its log row.
        if (!isFinished)
          settle(controller, { kind: "broken", events: [], reason: "internal relay error", isTimeout: false });
      } finally {
        isPulling = false;
      }
    },
    cancel() {
      stream.control.abort("client");
      stream.close();
      finish({ kind: "client_gone" });
    },
  });
  // The client may already have left between the commit and now.
  if (stream.control.cause === "client") onAbort();
  else stream.control.signal.addEventListener("abort", onAbort, { once: true });
  return body;
}
