/**
 * The hedging phase of `npm run bench` (issue 19): provider A answers its first token in
 * 100 ms nine calls in ten and in 4 s the tenth, provider B always in 300 ms. The same
 * streaming requests go to three groups, A first and B behind it: hedging off, hedging after a
 * fixed 200 ms, and auto (A's p95 time to first token). Each reports the client's p50/p95/p99
 * time to first token and the extra upstream requests hedging cost. Its own mock and server,
 * so the other phases' figures are untouched. Written between `<!-- hedging:start -->` and
 * `<!-- hedging:end -->`.
 */
import http from "node:http";
import { saveSettings } from "../../db/queries/settings";
import type { HedgePolicy } from "../../db/hedging";
import { fmt, percentile } from "./stats";
import { streamOnce } from "./stream-client";
import { startMock, startOurs, type OursTarget } from "./targets";

export interface HedgingScenario {
  id: string;
  hedge: HedgePolicy;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  /** Upstream requests beyond one per client request, as a share of the requests. */
  extraShare: number;
  /** Requests whose answer came from B. */
  servedByB: number;
}

const SCENARIOS: { id: string; hedge: HedgePolicy }[] = [
  { id: "off", hedge: { mode: "off", delayMs: 1_000 } },
  { id: "fixed 200 ms", hedge: { mode: "fixed", delayMs: 200 } },
  { id: "auto (p95)", hedge: { mode: "auto", delayMs: 200 } },
];
const A_DELAYS = [...Array.from({ length: 9 }, () => 100), 4_000];
const B_DELAY = 300;
/** The slow share is 10%: a budget of exactly 10% would leave the last slow requests of a minute unhedged. */
const BUDGET_PERCENT = 15;
const CONCURRENCY = 10;

const modelsOf = (index: number) => ({ a: `hedge-${index}-a`, b: `hedge-${index}-b`, group: `hedge-${index}` });

async function control(port: number, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}/__mock/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

async function runScenario(
  ours: OursTarget,
  apiKey: string,
  mockPort: number,
  index: number,
  requests: number,
): Promise<Omit<HedgingScenario, "id" | "hedge">> {
  const { a, b, group } = modelsOf(index);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const body = JSON.stringify({ model: group, stream: true, messages: [{ role: "user", content: "Say hello" }] });
  const ttfts: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests) {
      next += 1;
      const outcome = await streamOnce({
        url: `http://127.0.0.1:${ours.port}/v1/chat/completions`,
        headers: { authorization: `Bearer ${apiKey}` },
        body,
        agent,
        timeoutMs: 30_000,
      });
      if (outcome.status !== 200 || outcome.ttftMs === null || !outcome.isComplete) errors += 1;
      else ttfts.push(outcome.ttftMs);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  // Let aborted losers close before counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const calls = (await control(mockPort, "GET", "calls")) as { model: string | null }[];
  const callsTo = (model: string) => calls.filter((call) => call.model === model).length;
  const upstream = callsTo(a) + callsTo(b);
  return {
    requests,
    errors,
    p50: percentile(ttfts, 50),
    p95: percentile(ttfts, 95),
    p99: percentile(ttfts, 99),
    extraShare: (upstream - requests) / requests,
    servedByB: callsTo(b),
  };
}

export async function runHedging(log: (line: string) => void, isQuick: boolean): Promise<HedgingScenario[]> {
  const mock = await startMock();
  let ours: OursTarget | null = null;
  try {
    for (const [index] of SCENARIOS.entries()) {
      const { a, b } = modelsOf(index);
      await control(mock.port, "PUT", `behavior/${encodeURIComponent(a)}`, { delayCycleMs: A_DELAYS });
      await control(mock.port, "PUT", `behavior/${encodeURIComponent(b)}`, { delayBeforeHeadersMs: B_DELAY });
    }
    let apiKey = "";
    ours = await startOurs({
      mockPort: mock.port,
      models: { fast: "bench-fast", slow: "bench-slow", abort: "bench-abort" },
      async seed(seeder, db) {
        await saveSettings(db, { hedgeBudgetPercent: BUDGET_PERCENT, maxAttempts: 3 });
        for (const [index, scenario] of SCENARIOS.entries()) {
          const { a, b, group } = modelsOf(index);
          await seeder.group(group, [a, b], undefined, undefined, scenario.hedge);
        }
        apiKey = await seeder.key("hedging", { allGroups: true });
      },
    });
    const requests = isQuick ? 100 : 400;
    const results: HedgingScenario[] = [];
    for (const [index, scenario] of SCENARIOS.entries()) {
      const figures = await runScenario(ours, apiKey, mock.port, index, requests);
      log(
        `hedging ${scenario.id}: p50 ${fmt(figures.p50, 0)} ms, p99 ${fmt(figures.p99, 0)} ms, extra ${fmt(figures.extraShare * 100, 1)}%, errors ${figures.errors}`,
      );
      results.push({ id: scenario.id, hedge: scenario.hedge, ...figures });
    }
    return results;
  } finally {
    await ours?.stop();
    await mock.child.stop();
  }
}

export function renderHedging(scenarios: readonly HedgingScenario[], header: string): string {
  const rows = scenarios.map(
    (each) =>
      `| ${each.id} | ${each.requests} | ${each.errors} | ${fmt(each.p50, 0)} | ${fmt(each.p95, 0)} | ${fmt(each.p99, 0)} | ${fmt(each.extraShare * 100, 1)}% | ${each.servedByB} |`,
  );
  return [
    "<!-- hedging:start -->",
    "## Hedged first tokens (issue 19)",
    "",
    header,
    "",
    `Provider A sends its first token after 100 ms nine calls in ten and after 4 s the tenth; provider B`,
    `always after ${B_DELAY} ms. Streaming requests, ${CONCURRENCY} at a time, to a group with A first and B`,
    `behind it; hedge budget ${BUDGET_PERCENT}% (the slow share is 10%). TTFT is the client's time to the first`,
    'content delta. "extra" = upstream requests beyond one per client request. `auto` hedges after',
    "A's p95, which a 10% tail pulls up toward the slow answers (every lost hedge feeds A's elapsed",
    "time as a lower bound), so it hedges later than the fixed delay here; it is meant for rarer tails.",
    "",
    "| hedging | requests | errors | TTFT p50 ms | TTFT p95 ms | TTFT p99 ms | extra upstream requests | calls to B |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "<!-- hedging:end -->",
  ].join("\n");
}
