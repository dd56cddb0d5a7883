// The load generator: autocannon, driven programmatically in a worker thread so its work
// never delays the main thread's time-to-first-token sampler.
//
// Job (workerData): { url, method, headers, body | requests, durationS, connections } for a
// closed loop, or { …, rate } for a fixed rate. Autocannon's `overallRate` hands each
// connection its whole per-second quota at the top of each second, which turns "300 req/s"
// into one burst of 300 requests a second. So a fixed rate runs as `slices` (50) autocannon
// instances, each with `overallRate = connections` (one request per connection per second)
// and `amount = connections × durationS`, started 1000/slices ms apart: the same rate,
// arriving in small even steps (100 req/s: 2 requests every 20 ms; 300 req/s: 6).
//
// Posts { requests, ok, non2xx, errors, timeouts, durationMs, spanMs, latencies }: every 2xx
// response time in ms at full precision (autocannon's own histogram keeps whole ms), and the
// time between the first and the last response, from which the achieved rate is computed.
import { parentPort, workerData } from "node:worker_threads";
import autocannon from "autocannon";

const job = workerData;

function runOne(options, latencies, counts) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      const now = performance.now();
      counts.first ??= now;
      counts.last = now;
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
  const counts = { responses: 0, non2xx: 0, errors: 0, first: null, last: null };
  const base = {
    url: job.url,
    method: job.method ?? "POST",
    headers: job.headers,
    body: job.body,
    // A list of requests each connection cycles through (a mixed load), when given.
    ...(job.requests ? { requests: job.requests } : {}),
    timeout: job.timeoutS ?? 30,
    // Stop checks run on autocannon's sample tick; the default 1 s tick adds up to a second of
    // idle tail to every run.
    sampleInt: 100,
    // Autocannon's own summary stays unused (we keep every latency ourselves).
    excludeErrorStats: false,
  };
  const startedAt = performance.now();
  let results;
  if (job.rate) {
    const slices = job.slices ?? Math.min(50, job.rate);
    const perSlice = Math.max(1, Math.round(job.rate / slices));
    const runs = [];
    const startedAt = performance.now();
    for (let index = 0; index < slices; index += 1) {
      // Against the clock, so timer drift does not stretch the ramp.
      const wait = startedAt + (index * 1000) / slices - performance.now();
      if (wait > 0) await sleep(wait);
      runs.push(
        runOne(
          { ...base, connections: perSlice, overallRate: perSlice, amount: perSlice * job.durationS },
          latencies,
          counts,
        ),
      );
    }
    results = await Promise.all(runs);
  } else {
    results = [await runOne({ ...base, connections: job.connections, duration: job.durationS }, latencies, counts)];
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
    spanMs: counts.first !== null && counts.last !== null ? counts.last - counts.first : 0,
    // A fixed rate answers in steps 1000/slices ms apart: the span misses one step.
    stepMs: job.rate ? 1000 / (job.slices ?? Math.min(50, job.rate)) : 0,
    latencies: Float64Array.from(latencies),
  });
}

main().catch((error) => {
  parentPort.postMessage({ error: error instanceof Error ? error.stack : String(error) });
});
