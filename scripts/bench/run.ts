/**
 * `npm run bench`: our gateway side by side with Portkey's, a raw Node proxy (the floor) and
 * the mock provider itself (direct), in one run, on 127.0.0.1. See docs/benchmarks.md.
 *
 * Environment:
 *   BENCH_QUICK=1          ~2-minute smoke run (1 round, short runs, 10 s sustained load)
 *   BENCH_ROUNDS=n         interleaved rounds (default 3)
 *   BENCH_CLOSED_S=s       seconds per closed-loop run (default 2)
 *   BENCH_RATE_S=s         seconds per fixed-rate run (default 2, plus a 1 s ramp)
 *   BENCH_SUSTAIN_S=s      the 300 req/s hold (default 60)
 *   BENCH_SUSTAIN_TARGETS  comma list of targets for the hold (default "ours")
 *   BENCH_TARGETS          comma list of direct,raw,floor,portkey,ours,ours-otel,ours-next,base,ours-w2,ours-pg2
 *                          (default all but floor, base and ours-otel); ours-otel = tracing on, exporting to
 *                          a sink in this process; ours-next = FAST_LANE=off, ours-w2 = WORKERS=2,
 *                          ours-pg2 = two instances on PostgreSQL behind a balancer
 *                          (cluster-targets.ts; skipped when no PostgreSQL answers)
 *   BENCH_CLUSTER_SCENARIOS  matrix scenarios ours-w2 and ours-pg2 run (default json-c50,sse-c50)
 *   BENCH_FLOOR=1          add "floor": a bare Next.js route handler forwarding with node:http
 *                          (scripts/bench/next-floor.ts; built once into tmp/bench/next-floor)
 *   BENCH_ONLY=limits|hedging|matrix|slow|abort|sustain|protocols   comma list of phases (default all, in
 *                          this order; limits needs no server and uses REDIS_URL or TEST_REDIS_URL for its
 *                          Redis cases; hedging starts its own mock and server)
 *   BENCH_SCENARIOS        comma list of matrix scenarios, e.g. json-c10,sse-r100 (default all)
 *   BENCH_CPU_PROF=dir     start our server with --cpu-prof into dir
 *   BENCH_BASE_DIST=dir    also run a second build of ours from that build folder as target
 *                          "base" (A/B a change; add "base" to BENCH_TARGETS)
 *   BENCH_NO_WRITE=1       do not touch docs/benchmarks.md
 *   BENCH_SKIP_BUILD=1     use the existing build even if sources changed
 *   NEXT_DIST_DIR          build folder (default .next)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { cpuMs, loadAverage, machineCpu, machineInfo, peakRssMb, resetPeakRss, rssMb } from "./proc";
import { writeReport, type BenchReport, type RunRecord, type ScenarioId } from "./report";
import { percentile } from "./stats";
import { sampleStreams, streamOnce, type StreamOutcome } from "./stream-client";
import { startOursPostgresPair, startOursWorkers } from "./cluster-targets";
import { ensureFloorBuild, startFloor } from "./next-floor";
import { flowBody, protocolFlows, renderProtocols, writeSection, type FlowRun } from "./protocols";
import { renderLimits, runLimits } from "./limits";
import { renderHedging, runHedging } from "./hedging";
import { startOtlpSink } from "./otlp-sink";
import {
  ANTHROPIC_GROUP,
  root,
  startMock,
  startOurs,
  startPortkey,
  startRawProxy,
  type Child,
  type OursTarget,
} from "./targets";

// ───────────────────────────── Configuration ─────────────────────────────

const env = process.env;
const isQuick = env.BENCH_QUICK === "1";
const num = (name: string, fallback: number): number =>
  env[name] !== undefined && env[name] !== "" ? Number(env[name]) : fallback;
const config = {
  isQuick,
  rounds: num("BENCH_ROUNDS", isQuick ? 1 : 3),
  closedS: num("BENCH_CLOSED_S", isQuick ? 1 : 2),
  rateS: num("BENCH_RATE_S", isQuick ? 1 : 2),
  warmupS: num("BENCH_WARMUP_S", isQuick ? 1 : 2),
  sustainS: num("BENCH_SUSTAIN_S", isQuick ? 10 : 60),
  sustainRate: num("BENCH_SUSTAIN_RATE", 300),
  ttftSamplesPerS: num("BENCH_TTFT_RATE", 20),
  slowStreams: num("BENCH_SLOW_STREAMS", 1000),
  aborts: num("BENCH_ABORTS", 50),
  gapMs: 250,
};
const TARGET_NAMES = [
  "direct",
  "raw",
  "floor",
  "portkey",
  "ours",
  "ours-otel",
  "ours-next",
  "base",
  "ours-w2",
  "ours-pg2",
] as const;
type TargetName = (typeof TARGET_NAMES)[number];
const selectedTargets = (
  env.BENCH_TARGETS ?? `direct,raw,${env.BENCH_FLOOR === "1" ? "floor," : ""}portkey,ours,ours-next,ours-w2,ours-pg2`
)
  .split(",")
  .filter((name): name is TargetName => (TARGET_NAMES as readonly string[]).includes(name));
const phases = new Set((env.BENCH_ONLY ?? "limits,hedging,matrix,slow,abort,sustain,protocols").split(","));
const sustainTargets = (env.BENCH_SUSTAIN_TARGETS ?? "ours")
  .split(",")
  .filter((name): name is TargetName => selectedTargets.includes(name as TargetName));

const ALL_SCENARIOS: readonly { id: ScenarioId; stream: boolean; connections?: number; rate?: number }[] = [
  { id: "json-c10", stream: false, connections: 10 },
  { id: "json-c50", stream: false, connections: 50 },
  { id: "json-r100", stream: false, rate: 100 },
  { id: "json-r300", stream: false, rate: 300 },
  { id: "sse-c10", stream: true, connections: 10 },
  { id: "sse-c50", stream: true, connections: 50 },
  { id: "sse-r100", stream: true, rate: 100 },
  { id: "sse-r300", stream: true, rate: 300 },
];
/** The multi-process targets run only these scenarios (the throughput ones), to keep the run short. */
const CLUSTER_TARGETS: ReadonlySet<string> = new Set(["ours-w2", "ours-pg2"]);
const clusterScenarios = new Set((env.BENCH_CLUSTER_SCENARIOS ?? "json-c50,sse-c50").split(","));
const runsScenario = (target: string, scenario: string): boolean =>
  !CLUSTER_TARGETS.has(target) || clusterScenarios.has(scenario);
const SCENARIOS = env.BENCH_SCENARIOS
  ? ALL_SCENARIOS.filter((scenario) => env.BENCH_SCENARIOS!.split(",").includes(scenario.id))
  : ALL_SCENARIOS;

const MODELS = { fast: "bench-fast", slow: "bench-slow", abort: "bench-abort" };
const WORDS =
  "The quick brown fox jumps over the lazy dog while a careful gateway counts every token it relays and never copies a byte twice".split(
    " ",
  );
const FAST_BEHAVIOR = { text: WORDS.slice(0, 20).join(" ") };
const SLOW_BEHAVIOR = {
  chunks: WORDS.slice(0, 20).map((word, index) => (index === 0 ? word : ` ${word}`)),
  chunkDelayMs: [25, 50],
};
const ABORT_BEHAVIOR = { chunks: Array.from({ length: 40 }, (_, index) => `w${index} `), chunkDelayMs: 100 };

function chatBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [
      { role: "system", content: "You are a concise assistant. Answer in one short paragraph." },
      {
        role: "user",
        content:
          "Explain in plain words what an API gateway in front of several language-model providers does, and why it should add as little latency as possible to every request it relays.",
      },
    ],
    max_tokens: 128,
    temperature: 0.2,
    ...(stream ? { stream: true } : {}),
  });
}

// ───────────────────────────── Targets ─────────────────────────────

interface Target {
  name: TargetName;
  /** The process whose CPU and memory count (the mock itself for "direct"). */
  pid: number;
  url: string;
  headers: Record<string, string>;
  agent: http.Agent;
}

const children: Child[] = [];
let mockPort = 0;

async function mockControl(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${mockPort}/__mock/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

async function resetMock(): Promise<void> {
  await mockControl("POST", "reset");
  await mockControl("PUT", "behavior/*", FAST_BEHAVIOR);
  await mockControl("PUT", `behavior/${MODELS.slow}`, SLOW_BEHAVIOR);
  await mockControl("PUT", `behavior/${MODELS.abort}`, ABORT_BEHAVIOR);
}

const log = (line: string): void =>
  console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${line}`);
const t0 = performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startTargets(): Promise<Map<TargetName, Target>> {
  const mock = await startMock();
  children.push(mock.child);
  mockPort = mock.port;
  await resetMock();
  const targets = new Map<TargetName, Target>();
  const agent = (): http.Agent => new http.Agent({ keepAlive: true, maxSockets: 16 });
  const upstreamHeaders = { authorization: "Bearer sk-bench-direct" };
  if (selectedTargets.includes("direct")) {
    targets.set("direct", {
      name: "direct",
      pid: mock.child.pid,
      url: `http://127.0.0.1:${mock.port}/v1/chat/completions`,
      headers: upstreamHeaders,
      agent: agent(),
    });
  }
  if (selectedTargets.includes("raw")) {
    const raw = await startRawProxy(mock.port);
    children.push(raw.child);
    targets.set("raw", {
      name: "raw",
      pid: raw.child.pid,
      url: `http://127.0.0.1:${raw.port}/v1/chat/completions`,
      headers: upstreamHeaders,
      agent: agent(),
    });
  }
  if (selectedTargets.includes("floor")) {
    ensureFloorBuild(log);
    const floor = await startFloor(mock.port);
    children.push(floor.child);
    targets.set("floor", {
      name: "floor",
      pid: floor.child.pid,
      url: `http://127.0.0.1:${floor.port}/v1/chat/completions`,
      headers: upstreamHeaders,
      agent: agent(),
    });
  }
  if (selectedTargets.includes("portkey")) {
    const portkey = await startPortkey();
    children.push(portkey.child);
    targets.set("portkey", {
      name: "portkey",
      pid: portkey.child.pid,
      url: `http://127.0.0.1:${portkey.port}/v1/chat/completions`,
      headers: {
        ...upstreamHeaders,
        "x-portkey-provider": "openai",
        "x-portkey-custom-host": `http://127.0.0.1:${mock.port}/v1`,
      },
      agent: agent(),
    });
  }
  // Every build of ours is one more target of the same shape: its port, its key.
  const addOurs = (name: TargetName, started: OursTarget): void => {
    children.push({ ...started.child, stop: started.stop });
    targets.set(name, {
      name,
      pid: started.child.pid,
      url: `http://127.0.0.1:${started.port}/v1/chat/completions`,
      headers: { authorization: `Bearer ${started.apiKey}` },
      agent: agent(),
    });
  };
  const common = { mockPort: mock.port, models: MODELS };
  if (selectedTargets.includes("ours")) {
    const profileDir = env.BENCH_CPU_PROF;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const execArgv = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
    addOurs("ours", await startOurs({ ...common, execArgv }));
  }
  for (const [name, start] of [
    ["ours-w2", startOursWorkers],
    ["ours-pg2", startOursPostgresPair],
  ] as const) {
    if (!selectedTargets.includes(name)) continue;
    try {
      addOurs(name, await start(common));
    } catch (error) {
      // A machine without PostgreSQL still gets every other figure.
      log(`skipped ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (selectedTargets.includes("ours-otel")) {
    // In this process (its CPU counts as the load generator's); it ends with the bench.
    const sink = await startOtlpSink();
    addOurs(
      "ours-otel",
      await startOurs({ ...common, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: "bench" } }),
    );
  }
  if (selectedTargets.includes("ours-next"))
    addOurs("ours-next", await startOurs({ ...common, env: { FAST_LANE: "off" } }));
  if (selectedTargets.includes("base") && env.BENCH_BASE_DIST)
    addOurs("base", await startOurs({ ...common, distDir: env.BENCH_BASE_DIST }));
  return targets;
}

// ───────────────────────────── Load ─────────────────────────────

interface LoadJob {
  url: string;
  headers: Record<string, string>;
  body?: string;
  requests?: { method: string; path: string; headers: Record<string, string>; body: string }[];
  durationS: number;
  connections?: number;
  rate?: number;
}

interface LoadResult {
  requests: number;
  /** ms between the first and the last response. */
  spanMs: number;
  /** Fixed rates: ms between the steps requests are sent in; 0 for a closed loop. */
  stepMs: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationMs: number;
  latencies: Float64Array;
}

function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./load-worker.mjs", import.meta.url), {
      workerData: { method: "POST", ...job, headers: { "content-type": "application/json", ...job.headers } },
    });
    worker.once("message", (message: LoadResult & { error?: string }) => {
      void worker.terminate();
      if (message.error) reject(new Error(message.error));
      else resolve(message);
    });
    worker.once("error", reject);
  });
}

/** Responses per second, timed from the first response to the last. */
function achievedRate(result: LoadResult, durationS: number): number {
  if (result.spanMs < 500 || result.requests < 2) return result.requests / durationS;
  return result.stepMs > 0
    ? (result.requests * 1000) / (result.spanMs + result.stepMs)
    : ((result.requests - 1) * 1000) / result.spanMs;
}

async function measure(
  target: Target,
  scenario: (typeof SCENARIOS)[number],
  durationS: number,
  round: number,
): Promise<RunRecord> {
  const body = chatBody(MODELS.fast, scenario.stream);
  const cpuBefore = cpuMs(target.pid);
  const startedAt = performance.now();
  const load = runLoad({
    url: target.url,
    headers: target.headers,
    body,
    durationS,
    connections: scenario.connections,
    rate: scenario.rate,
  });
  // A fixed-rate run sends its last requests about durationS seconds in (see load-worker.mjs).
  const spanMs = durationS * 1000;
  const samples = scenario.stream
    ? sampleStreams(
        { url: target.url, headers: target.headers, body, agent: target.agent, timeoutMs: 30_000 },
        1000 / config.ttftSamplesPerS,
        startedAt + spanMs - 100,
      )
    : Promise.resolve([] as StreamOutcome[]);
  const [result, sampled] = await Promise.all([load, samples]);
  const cpu = cpuMs(target.pid) - cpuBefore;
  const ttfts = sampled.map((sample) => sample.ttftMs).filter((value): value is number => value !== null);
  const sampleErrors = sampled.filter((sample) => sample.error !== null).length;
  return {
    round,
    target: target.name,
    scenario: scenario.id,
    requests: result.requests,
    rps: achievedRate(result, durationS),
    p50: percentile(result.latencies, 50),
    p99: percentile(result.latencies, 99),
    errors: result.non2xx + result.errors + sampleErrors,
    cpuMsPerRequest: cpu / Math.max(1, result.requests + sampled.length),
    ttfts,
    wallMs: performance.now() - startedAt,
  };
}

// ───────────────────────────── Phases ─────────────────────────────

async function runMatrix(targets: Map<TargetName, Target>, report: BenchReport): Promise<void> {
  const list = [...targets.values()];
  log(`warm-up: ${config.warmupS} s per target and mode`);
  for (const target of list) {
    for (const scenario of [ALL_SCENARIOS[0]!, ALL_SCENARIOS[4]!]) await measure(target, scenario, config.warmupS, 0);
  }
  for (const target of list) resetPeakRss(target.pid);
  for (let round = 1; round <= config.rounds; round += 1) {
    for (const scenario of SCENARIOS) {
      // Rotate the order every round and scenario, so no target always runs first or last.
      const offset = (round + SCENARIOS.indexOf(scenario)) % list.length;
      const ordered = [...list.slice(offset), ...list.slice(0, offset)];
      for (const target of ordered) {
        if (!runsScenario(target.name, scenario.id)) continue;
        const run = await measure(target, scenario, scenario.rate ? config.rateS : config.closedS, round);
        report.runs.push(run);
        const ttft = run.ttfts.length > 0 ? ` ttft p50 ${percentile(run.ttfts, 50).toFixed(2)}` : "";
        log(
          `r${round} ${scenario.id.padEnd(9)} ${target.name.padEnd(7)} ${run.rps.toFixed(0).padStart(5)} req/s  p50 ${run.p50.toFixed(2)}  p99 ${run.p99.toFixed(2)}${ttft}  cpu ${run.cpuMsPerRequest.toFixed(3)} ms/req  err ${run.errors}`,
        );
        await sleep(config.gapMs);
      }
    }
  }
  for (const target of list) report.peakRssMb[target.name] = peakRssMb(target.pid);
}

async function runProtocols(targets: Map<TargetName, Target>): Promise<FlowRun[]> {
  const target = targets.get("ours");
  if (!target) return [];
  const flows = protocolFlows(MODELS.fast, ANTHROPIC_GROUP);
  const origin = new URL(target.url).origin;
  const runs: FlowRun[] = [];
  for (let round = 0; round <= config.rounds; round += 1) {
    for (const stream of [false, true]) {
      for (const flow of flows) {
        const durationS = round === 0 ? config.warmupS : config.closedS;
        const cpuBefore = cpuMs(target.pid);
        const result = await runLoad({
          url: `${origin}${flow.path}`,
          headers: target.headers,
          body: flowBody(flow, stream),
          durationS,
          connections: 10,
        });
        const cpu = cpuMs(target.pid) - cpuBefore;
        // Round 0 warms every path up and is not counted.
        if (round === 0) continue;
        const run: FlowRun = {
          flow: flow.id,
          stream,
          round,
          requests: result.requests,
          rps: achievedRate(result, durationS),
          p50: percentile(result.latencies, 50),
          errors: result.non2xx + result.errors,
          cpuMsPerRequest: cpu / Math.max(1, result.requests),
        };
        runs.push(run);
        log(
          `r${round} ${stream ? "sse " : "json"} ${flow.id.padEnd(21)} ${run.rps.toFixed(0).padStart(5)} req/s  p50 ${run.p50.toFixed(2)}  cpu ${run.cpuMsPerRequest.toFixed(3)} ms/req  err ${run.errors}`,
        );
        await sleep(config.gapMs);
      }
    }
  }
  return runs;
}

async function runSlowStreams(targets: Map<TargetName, Target>, report: BenchReport): Promise<void> {
  for (const name of ["ours", "portkey", "raw"] as const) {
    const target = targets.get(name);
    if (!target) continue;
    await resetMock();
    resetPeakRss(target.pid);
    const rssBefore = rssMb(target.pid);
    const cpuBefore = cpuMs(target.pid);
    const startedAt = performance.now();
    const body = chatBody(MODELS.slow, true);
    const outcomes = await Promise.all(
      Array.from({ length: config.slowStreams }, () =>
        streamOnce({ url: target.url, headers: target.headers, body, agent: false, timeoutMs: 60_000 }),
      ),
    );
    const wallMs = performance.now() - startedAt;
    const stats = (await mockControl("GET", "stats")) as { maxConcurrent: number };
    const errors = outcomes.filter((outcome) => outcome.error !== null);
    const ttfts = outcomes.map((outcome) => outcome.ttftMs).filter((value): value is number => value !== null);
    report.slowStreams[name] = {
      streams: outcomes.length,
      errors: errors.length,
      errorSamples: [...new Set(errors.map((outcome) => outcome.error ?? ""))].slice(0, 3),
      peakRssMb: peakRssMb(target.pid),
      rssBeforeMb: rssBefore,
      wallMs,
      ttftP50: percentile(ttfts, 50),
      ttftP99: percentile(ttfts, 99),
      durationP50: percentile(
        outcomes.map((outcome) => outcome.totalMs),
        50,
      ),
      upstreamMaxConcurrent: stats.maxConcurrent,
      cpuMsPerStream: (cpuMs(target.pid) - cpuBefore) / outcomes.length,
    };
    log(
      `${config.slowStreams} slow streams via ${name}: ${errors.length} errors, peak RSS ${report.slowStreams[name]!.peakRssMb.toFixed(0)} MB, ${(wallMs / 1000).toFixed(1)} s`,
    );
    await sleep(500);
  }
}

interface MockCallInfo {
  model: string | null;
  aborted: boolean;
  closedAt: number | null;
  finishedAt: number | null;
}

async function runAborts(targets: Map<TargetName, Target>, report: BenchReport): Promise<void> {
  for (const name of ["ours", "portkey", "raw"] as const) {
    const target = targets.get(name);
    if (!target) continue;
    await resetMock();
    const body = chatBody(MODELS.abort, true);
    const outcomes = await Promise.all(
      Array.from({ length: config.aborts }, () =>
        streamOnce({
          url: target.url,
          headers: target.headers,
          body,
          agent: false,
          abortAtFirstContent: true,
          timeoutMs: 20_000,
        }),
      ),
    );
    const lastAbort = Math.max(...outcomes.map((outcome) => outcome.abortedAt ?? 0));
    // Give every gateway time to pass the disconnect on (or not): 1.5 s, well under the 4 s stream.
    await sleep(1_500);
    const calls = ((await mockControl("GET", "calls")) as MockCallInfo[]).filter((call) => call.model === MODELS.abort);
    const cancelled = calls.filter((call) => call.aborted && call.closedAt !== null);
    const abortTimes = outcomes.map((outcome) => outcome.abortedAt ?? lastAbort).sort((a, b) => a - b);
    const closeTimes = cancelled.map((call) => call.closedAt!).sort((a, b) => a - b);
    const delays = closeTimes.map((closedAt, index) => closedAt - abortTimes[index]!);
    report.aborts[name] = {
      clients: outcomes.length,
      clientsThatSawContent: outcomes.filter((outcome) => outcome.abortedAt !== null).length,
      upstreamCalls: calls.length,
      cancelled: cancelled.length,
      cancelDelayP50Ms: percentile(delays, 50),
      cancelDelayMaxMs: delays.length > 0 ? Math.max(...delays) : Number.NaN,
    };
    log(`${config.aborts} aborts via ${name}: ${cancelled.length}/${calls.length} upstream requests cancelled`);
    // Let uncancelled upstream streams finish before the next phase.
    const deadline = Date.now() + 6_000;
    while (
      Date.now() < deadline &&
      ((await mockControl("GET", "stats")) as { activeRequests: number }).activeRequests > 0
    )
      await sleep(200);
  }
}

async function runSustain(targets: Map<TargetName, Target>, report: BenchReport): Promise<void> {
  for (const name of sustainTargets) {
    const target = targets.get(name);
    if (!target) continue;
    await resetMock();
    const path = new URL(target.url).pathname;
    const headers = { "content-type": "application/json", ...target.headers };
    const requests = [false, true].map((stream) => ({
      method: "POST",
      path,
      headers,
      body: chatBody(MODELS.fast, stream),
    }));
    resetPeakRss(target.pid);
    const cpuBefore = cpuMs(target.pid);
    log(`${config.sustainRate} req/s for ${config.sustainS} s via ${name} (half streaming)…`);
    const result = await runLoad({
      url: target.url,
      headers: target.headers,
      requests,
      durationS: config.sustainS,
      rate: config.sustainRate,
    });
    report.sustain[name] = {
      rate: config.sustainRate,
      seconds: config.sustainS,
      requests: result.requests,
      rps: achievedRate(result, config.sustainS),
      errors: result.non2xx + result.errors,
      p50: percentile(result.latencies, 50),
      p99: percentile(result.latencies, 99),
      max: percentile(result.latencies, 100),
      cpuMsPerRequest: (cpuMs(target.pid) - cpuBefore) / Math.max(1, result.requests),
      peakRssMb: peakRssMb(target.pid),
    };
    const sustained = report.sustain[name]!;
    log(
      `sustain ${name}: ${sustained.requests} requests, ${sustained.errors} errors, p50 ${sustained.p50.toFixed(2)} p99 ${sustained.p99.toFixed(2)} ms`,
    );
  }
}

// ───────────────────────────── Main ─────────────────────────────

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "?";
  }
}

async function ensureProductionBuild(): Promise<void> {
  if (!selectedTargets.includes("ours")) return;
  const distDir = env.NEXT_DIST_DIR || ".next";
  if (env.BENCH_SKIP_BUILD === "1" && existsSync(join(root, distDir, "BUILD_ID"))) return;
  const { ensureBuild } = (await import(join(root, "scripts/build-state.mjs"))) as {
    ensureBuild(options: { root: string }): boolean;
  };
  const started = performance.now();
  if (ensureBuild({ root: root.endsWith("/") ? root : `${root}/` }))
    log(`built the production app in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

async function benchLimits(machine: ReturnType<typeof machineInfo>): Promise<void> {
  const redisUrl = env.REDIS_URL || env.TEST_REDIS_URL || null;
  const cases = await runLimits(JSON.parse(chatBody(MODELS.fast, false)), redisUrl, log, config.isQuick);
  if (env.BENCH_NO_WRITE === "1") return;
  const header = `_Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${machine.cpuModel}, ${machine.cores} cores, Node ${process.version}; load average ${loadAverage()}._`;
  writeSection(join(root, "docs", "benchmarks.md"), "limits", renderLimits(cases, header));
  log("docs/benchmarks.md: limits table updated");
}

async function benchHedging(machine: ReturnType<typeof machineInfo>): Promise<void> {
  const scenarios = await runHedging(log, config.isQuick);
  if (env.BENCH_NO_WRITE === "1") return;
  const header = `_Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${machine.cpuModel}, ${machine.cores} cores, Node ${process.version}; load average ${loadAverage()}._`;
  writeSection(join(root, "docs", "benchmarks.md"), "hedging", renderHedging(scenarios, header));
  log("docs/benchmarks.md: hedging table updated");
}

async function main(): Promise<void> {
  const machine = machineInfo();
  if (phases.has("limits")) await benchLimits(machine);
  if ([...phases].every((phase) => phase === "limits")) return;
  await ensureProductionBuild();
  if (phases.has("hedging")) await benchHedging(machine);
  if ([...phases].every((phase) => phase === "limits" || phase === "hedging")) return;
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine,
    versions: {
      node: process.version,
      next: versionOf("next"),
      portkey: versionOf("@portkey-ai/gateway"),
      autocannon: versionOf("autocannon"),
      honoNodeServer: versionOf("@hono/node-server"),
    },
    config: { ...config, targets: selectedTargets, sustainTargets },
    loadBefore: loadAverage(),
    loadAfter: "",
    foreignCpuShare: Number.NaN,
    runs: [],
    peakRssMb: {},
    slowStreams: {},
    aborts: {},
    sustain: {},
    totalSeconds: 0,
  };
  log(`load average ${report.loadBefore}; ${machine.cores} cores, ${machine.cpuModel}; quick=${config.isQuick}`);
  const targets = await startTargets();
  log(`started ${[...targets.keys()].join(", ")}`);
  const pids = [process.pid, ...children.map((child) => child.pid)];
  const ownBefore = pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const machineBefore = machineCpu();
  try {
    if (phases.has("matrix")) await runMatrix(targets, report);
    if (phases.has("slow")) await runSlowStreams(targets, report);
    if (phases.has("abort")) await runAborts(targets, report);
    if (phases.has("sustain")) await runSustain(targets, report);
    // Last: its translation load must not grow the heap the slow-stream memory figure starts from.
    if (phases.has("protocols")) {
      const runs = await runProtocols(targets);
      if (runs.length > 0 && env.BENCH_NO_WRITE !== "1") {
        const header = `_Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${machine.cpuModel}, ${machine.cores} cores, Node ${process.version}; ${config.rounds} round(s) of ${config.closedS} s per flow; load average ${loadAverage()}._`;
        writeSection(
          join(root, "docs", "benchmarks.md"),
          "protocols",
          renderProtocols(protocolFlows(MODELS.fast, ANTHROPIC_GROUP), runs, header),
        );
        log("docs/benchmarks.md: protocol table updated");
      }
    }
    const machineAfter = machineCpu();
    const ownAfter = pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
    const totalMs = machineAfter.totalMs - machineBefore.totalMs;
    report.foreignCpuShare =
      totalMs > 0
        ? Math.max(0, machineAfter.busyMs - machineBefore.busyMs - (ownAfter - ownBefore)) / totalMs
        : Number.NaN;
    report.loadAfter = loadAverage();
  } finally {
    for (const target of targets.values()) target.agent.destroy();
    for (const child of [...children].reverse()) await child.stop().catch(() => undefined);
  }
  report.totalSeconds = (performance.now() - t0) / 1000;
  const outDir = join(root, "tmp", "bench");
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, `results-${report.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(jsonPath, JSON.stringify(report, null, 1));
  log(`raw results: ${jsonPath}`);
  const hasGatewayResults =
    report.runs.length > 0 ||
    [report.slowStreams, report.aborts, report.sustain].some((r) => Object.keys(r).length > 0);
  if (env.BENCH_NO_WRITE !== "1" && hasGatewayResults) {
    writeReport(join(root, "docs", "benchmarks.md"), report);
    log("docs/benchmarks.md updated");
  }
  log(
    `done in ${report.totalSeconds.toFixed(0)} s; load average ${report.loadAfter}; other processes used ${(report.foreignCpuShare * 100).toFixed(0)}% of the CPU`,
  );
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error);
    for (const child of [...children].reverse()) await child.stop().catch(() => undefined);
    process.exit(1);
  },
);
