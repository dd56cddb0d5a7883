// The load generator: autocannon, driven programmatically in a worker thread so its work
// never delays the main thread's time-to-first-token sampler.
//
// Job (workerData): { url, method, headers, body, durationS, connections } for a closed
// loop, or { …, rate } for a fixed rate. Autocannon's `overallRate` hands each connection
// its whole per-second quota at the top of each second, which turns "300 req/s" into one
// burst of 300 requests a second. So a fixed rate runs as `slices` autocannon instances,
// each with `overallRate = connections` (one request per connection per second), started
// 1000/slices ms apart: the same rate, arriving in small even steps.
//
// Posts { requests, ok, non2xx, errors, timeouts, durationMs, latencies } (every 2xx
// response time in ms, full precision, from autocannon's `response` events).
import { parentPort, workerData } from "node:worker_threads";
import autocannon from "autocannon";

const job = workerData;

function runOne(options, latencies, counts) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      counts.responses += 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else counts.non2xx += 1;
    });
    instance.on("reqError", () => (counts.errors += 1));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const latencies = [];
  const counts = { responses: 0, non2xx: 0, errors: 0 };
  const base = {
    url: job.url,
    method: job.method ?? "POST",
    headers: job.headers,
    body: job.body,
    // A list of requests each connection cycles through (a mixed load), when given.
    ...(job.requests ? { requests: job.requests } : {}),
    duration: job.durationS,
    timeout: job.timeoutS ?? 30,
    // Autocannon's own summary stays unused (we keep every latency ourselves).
    excludeErrorStats: false,
  };
  const startedAt = performance.now();
  let results;
  if (job.rate) {
    const slices = job.slices ?? Math.min(100, job.rate);
    const perSlice = Math.max(1, Math.round(job.rate / slices));
    const runs = [];
    for (let index = 0; index < slices; index += 1) {
      runs.push(runOne({ ...base, connections: perSlice, overallRate: perSlice }, latencies, counts));
      await sleep(1000 / slices);
    }
    results = await Promise.all(runs);
  } else {
    results = [await runOne({ ...base, connections: job.connections }, latencies, counts)];
  }
  const durationMs = performance.now() - startedAt;
  let timeouts = 0;
  for (const result of results) timeouts += result.timeouts ?? 0;
  parentPort.postMessage({
    requests: counts.responses,
    ok: latencies.length,
    non2xx: counts.non2xx,
    errors: counts.errors,
    timeouts,
    durationMs,
    latencies: Float64Array.from(latencies),
  });
}

main().catch((error) => {
  parentPort.postMessage({ error: error instanceof Error ? error.stack : String(error) });
});
