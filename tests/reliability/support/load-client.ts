import http from "node:http";

export interface LoadOutcome {
  status: number;
  requestId: string | null;
  /** ms from sending until the first content delta; null if none arrived. */
  ttftMs: number | null;
  /** The body ended with `data: [DONE]`. */
  isComplete: boolean;
  wasKilled: boolean;
  error: string | null;
}

// A content delta with at least one character; the role chunk's `"content":""` does not count.
const CONTENT = /"content":"[^"]/;

/**
 * One streaming request on its own connection. `killAfterMs` drops it that long after its
 * first content arrived: the upstream request has then surely been made, and is in flight.
 */
export function runStream(
  url: string,
  key: string,
  body: unknown,
  killAfterMs: number | null = null,
  timeoutMs = 60_000,
): Promise<LoadOutcome> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const outcome: LoadOutcome = {
      status: 0,
      requestId: null,
      ttftMs: null,
      isComplete: false,
      wasKilled: false,
      error: null,
    };
    let tail = "";
    let isSettled = false;
    const settle = (error: string | null): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      outcome.error = outcome.wasKilled ? null : error;
      resolve(outcome);
    };
    const request = http.request(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    });
    const timer = setTimeout(() => {
      request.destroy();
      settle("timeout");
    }, timeoutMs);
    let killer: NodeJS.Timeout | null = null;
    request.on("close", () => {
      if (killer !== null) clearTimeout(killer);
    });
    request.on("error", (error) => settle(error.message));
    request.on("response", (response) => {
      outcome.status = response.statusCode ?? 0;
      const id = response.headers["x-request-id"];
      outcome.requestId = typeof id === "string" ? id : null;
      response.setEncoding("utf8");
      response.on("data", (text: string) => {
        if (outcome.ttftMs === null && CONTENT.test(text)) {
          outcome.ttftMs = performance.now() - startedAt;
          if (killAfterMs !== null) {
            killer = setTimeout(() => {
              outcome.wasKilled = true;
              request.destroy();
              settle(null);
            }, killAfterMs);
          }
        }
        tail = (tail + text).slice(-64);
      });
      response.on("end", () => {
        outcome.isComplete = tail.trimEnd().endsWith("data: [DONE]");
        settle(outcome.status === 200 ? null : `status ${outcome.status}`);
      });
      response.on("error", (error) => settle(error.message));
    });
    request.end(JSON.stringify(body));
  });
}

/** Resident and peak memory of a process, from /proc (Linux), in MB; null elsewhere. */
export async function readMemoryMb(pid: number): Promise<{ rss: number; peak: number } | null> {
  try {
    const { readFile } = await import("node:fs/promises");
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
  } catch {
    return null;
  }
}

/** The event-loop delay the server measured since the last scrape (prom-client resets it on every scrape). */
export async function readEventLoopLagMs(baseUrl: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name} ([0-9.eE+-]+)$`, "m").exec(text)?.[1] ?? Number.NaN) * 1000;
  return { p99: value("nodejs_eventloop_lag_p99_seconds"), max: value("nodejs_eventloop_lag_max_seconds") };
}
