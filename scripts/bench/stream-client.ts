/**
 * A small streaming client for what autocannon cannot see: time to first token (the first
 * content delta's bytes, not the headers), whole slow streams, and clients that leave.
 */
import http from "node:http";

export interface StreamOutcome {
  status: number;
  /** ms from sending until the first content delta arrived; null if none did. */
  ttftMs: number | null;
  totalMs: number;
  /** The body ended with `data: [DONE]`. */
  isComplete: boolean;
  error: string | null;
  /** Epoch ms when the client cut the connection (abort mode). */
  abortedAt: number | null;
}

export interface StreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  agent: http.Agent | false;
  /** Drop the connection as soon as the first content delta arrived. */
  abortAtFirstContent?: boolean;
  timeoutMs?: number;
}

// A content delta with at least one character; the role chunk's `"content":""` does not count.
const CONTENT = /"content":"[^"]/;

export function streamOnce(request: StreamRequest): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    let status = 0;
    let ttftMs: number | null = null;
    let tail = "";
    let isComplete = false;
    let abortedAt: number | null = null;
    let isSettled = false;
    const settle = (error: string | null): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      resolve({ status, ttftMs, totalMs: performance.now() - startedAt, isComplete, error, abortedAt });
    };
    const req = http.request(request.url, {
      method: "POST",
      agent: request.agent,
      headers: { "content-type": "application/json", ...request.headers },
    });
    const timer = setTimeout(() => {
      req.destroy();
      settle("timeout");
    }, request.timeoutMs ?? 30_000);
    req.on("error", (error) => settle(abortedAt !== null ? null : error.message));
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding("utf8");
      res.on("data", (text: string) => {
        if (ttftMs === null) {
          // Look across the chunk boundary too.
          const window = tail + text;
          if (CONTENT.test(window)) {
            ttftMs = performance.now() - startedAt;
            if (request.abortAtFirstContent) {
              abortedAt = Date.now();
              req.destroy();
              res.destroy();
              settle(null);
              return;
            }
          }
        }
        tail = (tail + text).slice(-64);
      });
      res.on("end", () => {
        isComplete = /data: ?\[DONE\]\s*$/.test(tail);
        settle(status === 200 && isComplete ? null : `status ${status}${isComplete ? "" : ", no [DONE]"}`);
      });
      res.on("error", (error) => settle(abortedAt !== null ? null : error.message));
      res.on("close", () => settle(abortedAt !== null ? null : isComplete ? null : "closed early"));
    });
    req.end(request.body);
  });
}

/**
 * Sends one streaming request every `intervalMs` until `stopAt` (performance.now() ms),
 * each on a keep-alive connection, and collects what each saw.
 */
export async function sampleStreams(
  request: Omit<StreamRequest, "abortAtFirstContent">,
  intervalMs: number,
  stopAt: number,
): Promise<StreamOutcome[]> {
  const pending: Promise<StreamOutcome>[] = [];
  let next = performance.now();
  while (next < stopAt) {
    pending.push(streamOnce(request));
    next += intervalMs;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return Promise.all(pending);
}
