import { setTimeout as startTimer } from "node:timers";
import type { AttemptControl } from "./attempt-control";
import { failFromError } from "./attempt-result";
import type { StreamInspector } from "./sse-inspector";
import { SseEventTooLargeError, SseSplitter } from "./sse-splitter";
import type { UpstreamResponse } from "./types";

/**
 * The result of reading one upstream chunk. `events` are the raw events to forward (in
 * order, usage-only chunk already removed when unwanted); the kind says how the stream goes on.
 */
export type StreamRead =
  | { kind: "more"; events: Uint8Array[] }
  | { kind: "done"; events: Uint8Array[] }
  | { kind: "ended"; events: Uint8Array[] }
  | { kind: "broken"; events: Uint8Array[]; reason: string; isTimeout: boolean }
  | { kind: "aborted"; events: Uint8Array[] };

/**
 * Rewrites a committed stream into another protocol's events: `map` gets each inspected
 * event's parsed data and returns the bytes to send instead (often none), `end` what closes
 * the translated stream once the upstream finished properly.
 */
export interface StreamTransform {
  map(payload: unknown): Uint8Array | null;
  end(): Uint8Array | null;
}

// After [DONE] a few more reads usually reach the end of the body, which lets the socket be reused.
const DRAIN_READS = 4;
const DRAIN_LIMIT_MS = 1_000;

/** An upstream SSE body read chunk by chunk, with every event inspected before it is forwarded. */
export class UpstreamStream {
  private readonly splitter = new SseSplitter();
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(
    readonly response: UpstreamResponse,
    readonly control: AttemptControl,
    readonly inspector: StreamInspector,
    private readonly wantsUsage: boolean,
    private readonly transform: StreamTransform | null = null,
  ) {
    this.iterator = response.body[Symbol.asyncIterator]();
  }

  async read(): Promise<StreamRead> {
    let result: IteratorResult<Uint8Array>;
    this.control.beginRead();
    try {
      result = await this.iterator.next();
    } catch (error) {
      const verdict = failFromError(error, this.control);
      if (verdict.kind === "aborted") return { kind: "aborted", events: [] };
      return { kind: "broken", events: [], reason: verdict.reason, isTimeout: verdict.isTimeout };
    } finally {
      this.control.endRead();
    }
    if (result.done) {
      const rest = this.splitter.flush();
      return this.sortEvents(rest ? [rest] : [], true);
    }
    let raws: Uint8Array[];
    try {
      raws = this.splitter.push(result.value);
    } catch (error) {
      if (!(error instanceof SseEventTooLargeError)) throw error;
      return { kind: "broken", events: [], reason: "oversized SSE event", isTimeout: false };
    }
    return this.sortEvents(raws, false);
  }

  private forward(events: Uint8Array[], raw: Uint8Array): void {
    if (!this.transform) {
      events.push(raw);
      return;
    }
    const mapped = this.inspector.payload === null ? null : this.transform.map(this.inspector.payload);
    if (mapped) events.push(mapped);
  }

  private finishTranslation(events: Uint8Array[]): void {
    const last = this.transform?.end();
    if (last) events.push(last);
  }

  private sortEvents(raws: readonly Uint8Array[], isEnd: boolean): StreamRead {
    const events: Uint8Array[] = [];
    for (const raw of raws) {
      switch (this.inspector.inspect(raw, isEnd)) {
        case "usage_only":
          if (this.wantsUsage) this.forward(events, raw);
          break;
        case "done":
          if (this.transform) this.finishTranslation(events);
          else events.push(raw);
          return { kind: "done", events };
        case "error":
          return { kind: "broken", events, reason: "in-band error event", isTimeout: false };
        case "keyword":
          return { kind: "broken", events, reason: "failure keyword in the answer", isTimeout: false };
        default:
          this.forward(events, raw);
      }
    }
    if (isEnd && this.inspector.finishReason !== null) this.finishTranslation(events);
    return isEnd ? { kind: "ended", events } : { kind: "more", events };
  }

  /** Releases the upstream at once (socket destroyed unless the body was read to its end). */
  close(): void {
    this.control.dispose();
    this.response.close();
  }

  /** After [DONE]: read the little that is left so the keep-alive socket can be reused. */
  async drainAndClose(): Promise<void> {
    this.control.dispose();
    const limit = startTimer(() => this.control.abort("finished"), DRAIN_LIMIT_MS).unref();
    try {
      for (let i = 0; i < DRAIN_READS; i += 1) {
        if ((await this.iterator.next()).done) break;
      }
    } catch {
      // The answer is complete; a late error on the way out changes nothing.
    } finally {
      clearTimeout(limit);
      this.response.close();
    }
  }
}
