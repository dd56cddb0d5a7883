/**
 * Writes the benchmark's results into docs/benchmarks.md: only the generated block between
 * `<!-- gateway-results:start -->` and `<!-- gateway-results:end -->`, inside the gateway
 * section (`<!-- gateway:start -->` … `<!-- gateway:end -->`). Prose around the block and
 * every other section (analytics) are left as they are.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { MachineInfo } from "./proc";
import { fmt, median, percentile, ratio } from "./stats";

export type ScenarioId =
  "json-c10" | "json-c50" | "json-r100" | "json-r300" | "sse-c10" | "sse-c50" | "sse-r100" | "sse-r300";

export interface RunRecord {
  round: number;
  target: string;
  scenario: ScenarioId;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpuMsPerRequest: number;
  ttfts: number[];
  wallMs: number;
}

export interface SlowStreamResult {
  streams: number;
  errors: number;
  errorSamples: string[];
  peakRssMb: number;
  rssBeforeMb: number;
  wallMs: number;
  ttftP50: number;
  ttftP99: number;
  durationP50: number;
  upstreamMaxConcurrent: number;
  cpuMsPerStream: number;
}

export interface AbortResult {
  clients: number;
  clientsThatSawContent: number;
  upstreamCalls: number;
  cancelled: number;
  cancelDelayP50Ms: number;
  cancelDelayMaxMs: number;
}

export interface SustainResult {
  rate: number;
  seconds: number;
  requests: number;
  rps: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  cpuMsPerRequest: number;
  peakRssMb: number;
}

export interface BenchReport {
  date: string;
  machine: MachineInfo;
  versions: Record<string, string>;
  config: Record<string, unknown>;
  loadBefore: string;
  loadAfter: string;
  foreignCpuShare: number;
  runs: RunRecord[];
  peakRssMb: Record<string, number>;
  slowStreams: Record<string, SlowStreamResult>;
  aborts: Record<string, AbortResult>;
  sustain: Record<string, SustainResult>;
  totalSeconds: number;
}

const SCENARIO_TITLES: Record<ScenarioId, string> = {
  "json-c10": "Non-streaming, closed loop, 10 connections",
  "json-c50": "Non-streaming, closed loop, 50 connections",
  "json-r100": "Non-streaming, fixed rate 100 req/s",
  "json-r300": "Non-streaming, fixed rate 300 req/s",
  "sse-c10": "Streaming, closed loop, 10 connections",
  "sse-c50": "Streaming, closed loop, 50 connections",
  "sse-r100": "Streaming, fixed rate 100 req/s",
  "sse-r300": "Streaming, fixed rate 300 req/s",
};

const TARGET_LABELS: Record<string, string> = {
  direct: "direct (mock)",
  raw: "raw proxy",
  floor: "Next.js floor",
  portkey: "Portkey",
  ours: "**ours**",
  "ours-otel": "ours, OpenTelemetry on",
  "ours-next": "ours, FAST_LANE=off (via Next.js)",
  base: "ours, base build (A/B)",
  "ours-w2": "ours, WORKERS=2",
  "ours-pg2": "ours, 2 instances on PostgreSQL",
};
const ORDER = ["direct", "raw", "floor", "portkey", "ours", "ours-otel", "ours-next", "base", "ours-w2", "ours-pg2"];

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
  ttftP50: number;
  ttftP99: number;
  ttftCount: number;
  errors: number;
  rounds: number;
}

/** Medians over rounds; time to first token from all rounds' samples pooled. */
export function summarize(runs: readonly RunRecord[], target: string, scenario: ScenarioId): Summary | null {
  const mine = runs.filter((run) => run.target === target && run.scenario === scenario);
  if (mine.length === 0) return null;
  const ttfts = mine.flatMap((run) => run.ttfts);
  return {
    rps: median(mine.map((run) => run.rps)),
    p50: median(mine.map((run) => run.p50)),
    p99: median(mine.map((run) => run.p99)),
    cpu: median(mine.map((run) => run.cpuMsPerRequest)),
    ttftP50: percentile(ttfts, 50),
    ttftP99: percentile(ttfts, 99),
    ttftCount: ttfts.length,
    errors: mine.reduce((sum, run) => sum + run.errors, 0),
    rounds: mine.length,
  };
}

function scenarioTable(report: BenchReport, scenario: ScenarioId): string {
  const isStream = scenario.startsWith("sse");
  const summaries = new Map<string, Summary>();
  for (const target of ORDER) {
    const summary = summarize(report.runs, target, scenario);
    if (summary) summaries.set(target, summary);
  }
  if (summaries.size === 0) return "";
  const columns: [string, (s: Summary) => number, number][] = [
    ["req/s", (s) => s.rps, 0],
    ["latency p50 ms", (s) => s.p50, 2],
    ["latency p99 ms", (s) => s.p99, 2],
    ...(isStream
      ? ([
          ["TTFT p50 ms", (s: Summary) => s.ttftP50, 2],
          ["TTFT p99 ms", (s: Summary) => s.ttftP99, 2],
        ] as [string, (s: Summary) => number, number][])
      : []),
    ["CPU ms/req", (s) => s.cpu, 3],
  ];
  const lines = [
    `#### ${SCENARIO_TITLES[scenario]}`,
    "",
    `| target | ${columns.map(([name]) => name).join(" | ")} | errors |`,
    `|---|${columns.map(() => "---:").join("|")}|---:|`,
  ];
  for (const [target, summary] of summaries) {
    lines.push(
      `| ${TARGET_LABELS[target] ?? target} | ${columns.map(([, get, digits]) => fmt(get(summary), digits)).join(" | ")} | ${summary.errors} |`,
    );
  }
  const pairs: [string, string][] = [
    ["ours", "portkey"],
    ["ours", "raw"],
    ["ours", "floor"],
    ["ours", "ours-next"],
    ["ours-otel", "ours"],
    ["portkey", "raw"],
    ["floor", "portkey"],
    ["ours", "base"],
  ];
  for (const [a, b] of pairs) {
    const sa = summaries.get(a);
    const sb = summaries.get(b);
    if (!sa || !sb) continue;
    lines.push(`| ${a} ÷ ${b} | ${columns.map(([, get]) => ratio(get(sa), get(sb))).join(" | ")} | |`);
  }
  if (isStream) {
    const counts = [...summaries].map(([target, summary]) => `${target} ${summary.ttftCount}`).join(", ");
    lines.push("", `TTFT samples (pooled over rounds): ${counts}.`);
  }
  return lines.join("\n");
}

interface Goal {
  name: string;
  ours: string;
  reference: string;
  met: boolean | null;
}

function judge(value: number, limit: number): boolean | null {
  return Number.isFinite(value) && Number.isFinite(limit) ? value <= limit : null;
}

export function evaluateGoals(report: BenchReport): Goal[] {
  const goals: Goal[] = [];
  const get = (target: string, scenario: ScenarioId) => summarize(report.runs, target, scenario);
  for (const mode of ["json", "sse"] as const) {
    const scenarios = (["c10", "c50", "r100", "r300"] as const).map((shape) => `${mode}-${shape}` as ScenarioId);
    const pairs = scenarios
      .map((scenario) => [scenario, get("ours", scenario), get("portkey", scenario)] as const)
      .filter(([, a, b]) => a && b);
    if (pairs.length === 0) continue;
    const met = pairs.every(([, ours, portkey]) => ours!.cpu <= 0.5 * portkey!.cpu);
    goals.push({
      name: `CPU per request ≤ 0.5 × Portkey's, ${mode === "json" ? "non-streaming" : "streaming"} (every load shape)`,
      ours: pairs.map(([scenario, ours]) => `${scenario.slice(mode.length + 1)} ${fmt(ours!.cpu, 3)}`).join(", "),
      reference: pairs
        .map(([scenario, , portkey]) => `${scenario.slice(mode.length + 1)} ${fmt(portkey!.cpu, 3)}`)
        .join(", "),
      met,
    });
  }
  for (const scenario of ["json-r100", "sse-r100"] as const) {
    const [ours, portkey, direct] = [get("ours", scenario), get("portkey", scenario), get("direct", scenario)];
    if (!ours || !portkey || !direct) continue;
    const added = (s: Summary, key: "p50" | "p99") => s[key] - direct[key];
    goals.push({
      name: `Added latency over direct at 100 req/s, ${scenario.startsWith("sse") ? "streaming" : "non-streaming"}: p50 ≤ 1 ms, p99 ≤ Portkey's`,
      ours: `${fmt(added(ours, "p50"))} / ${fmt(added(ours, "p99"))}`,
      reference: `${fmt(added(portkey, "p50"))} / ${fmt(added(portkey, "p99"))}`,
      met: Boolean(judge(added(ours, "p50"), 1) && judge(added(ours, "p99"), added(portkey, "p99"))),
    });
  }
  {
    const [ours, portkey, direct] = [get("ours", "sse-r100"), get("portkey", "sse-r100"), get("direct", "sse-r100")];
    if (ours && direct) {
      const overhead = ours.ttftP50 - direct.ttftP50;
      goals.push({
        name: "First-token overhead over direct at 100 req/s, p50 ≤ 1 ms",
        ours: `${fmt(overhead)} ms`,
        reference: portkey ? `Portkey ${fmt(portkey.ttftP50 - direct.ttftP50)} ms` : "–",
        met: judge(overhead, 1),
      });
    }
  }
  const slow = report.slowStreams.ours;
  if (slow) {
    const portkey = report.slowStreams.portkey;
    goals.push({
      name: `${slow.streams} concurrent slow streams: 0 errors, peak RSS ≤ 250 MB`,
      ours: `${slow.errors} errors, ${fmt(slow.peakRssMb, 0)} MB`,
      reference: portkey ? `Portkey ${portkey.errors} errors, ${fmt(portkey.peakRssMb, 0)} MB` : "–",
      met: slow.errors === 0 && slow.peakRssMb <= 250,
    });
  }
  const aborts = report.aborts.ours;
  if (aborts) {
    const portkey = report.aborts.portkey;
    goals.push({
      name: `Every one of ${aborts.clients} client aborts cancels its upstream request`,
      ours: `${aborts.cancelled}/${aborts.clients}`,
      reference: portkey ? `Portkey ${portkey.cancelled}/${portkey.clients}` : "–",
      met: aborts.cancelled === aborts.clients,
    });
  }
  const sustain = report.sustain.ours;
  if (sustain) {
    goals.push({
      name: `${sustain.rate} req/s held for ${sustain.seconds} s: 0 errors, p99 < 50 ms`,
      ours: `${sustain.errors} errors, p99 ${fmt(sustain.p99)} ms`,
      reference: report.sustain.portkey
        ? `Portkey ${report.sustain.portkey.errors} errors, p99 ${fmt(report.sustain.portkey.p99)} ms`
        : "–",
      met: sustain.errors === 0 && sustain.p99 < 50 && sustain.seconds >= 60,
    });
  }
  return goals;
}

export function renderResults(report: BenchReport): string {
  const { machine, versions, config } = report;
  const lines: string[] = [];
  lines.push(
    `_Generated by \`npm run bench\` on ${report.date.slice(0, 16).replace("T", " ")} UTC in ${fmt(report.totalSeconds, 0)} s${config.isQuick ? " (BENCH_QUICK: a smoke run, not a measurement)" : ""}. Rerun to refresh; edit the prose outside this block only._`,
    "",
    `- **Machine**: ${machine.cpuModel}, ${machine.cores} cores, ${fmt(machine.memoryGb, 1)} GB RAM, Linux ${machine.kernel}`,
    `- **Versions**: Node ${versions.node}, Next.js ${versions.next}, Portkey gateway ${versions.portkey} (@hono/node-server ${versions.honoNodeServer}), autocannon ${versions.autocannon}`,
    `- **Load during the run**: load average ${report.loadBefore} before, ${report.loadAfter} after; processes outside the benchmark used ${fmt(report.foreignCpuShare * 100, 0)}% of the machine's CPU meanwhile`,
    `- **Shape**: ${config.rounds} interleaved round(s); closed-loop runs ${config.closedS} s, fixed-rate runs ${config.rateS} s (50 autocannon instances started 20 ms apart, one request per connection per second); TTFT sampled at ${config.ttftSamplesPerS} streams/s during streaming runs; medians over rounds`,
    "",
  );
  const goals = evaluateGoals(report);
  if (goals.length > 0) {
    lines.push("#### Goals", "", "| goal | ours | Portkey / reference | met |", "|---|---|---|:---:|");
    for (const goal of goals)
      lines.push(
        `| ${goal.name} | ${goal.ours} | ${goal.reference} | ${goal.met === null ? "?" : goal.met ? "yes" : "**no**"} |`,
      );
    lines.push("");
  }
  for (const scenario of Object.keys(SCENARIO_TITLES) as ScenarioId[]) {
    const table = scenarioTable(report, scenario);
    if (table) lines.push(table, "");
  }
  const rss = Object.entries(report.peakRssMb);
  if (rss.length > 0) {
    lines.push("#### Peak RSS during the load matrix (VmHWM)", "", "| target | peak RSS MB |", "|---|---:|");
    for (const target of ORDER)
      if (report.peakRssMb[target] !== undefined)
        lines.push(`| ${TARGET_LABELS[target]} | ${fmt(report.peakRssMb[target]!, 0)} |`);
    lines.push("", "The direct target's process is the mock provider itself.", "");
  }
  const slow = Object.entries(report.slowStreams);
  if (slow.length > 0) {
    const count = slow[0]![1].streams;
    lines.push(
      `#### ${count} concurrent slow streams (20 chunks, 25–50 ms apart)`,
      "",
      "| target | errors | peak RSS MB | RSS before MB | TTFT p50 / p99 ms | stream p50 ms | wall s | upstream max concurrent | CPU ms/stream |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const [target, result] of slow) {
      const samples = result.errorSamples.length > 0 ? ` (${result.errorSamples.join("; ")})` : "";
      lines.push(
        `| ${TARGET_LABELS[target]} | ${result.errors}${samples} | ${fmt(result.peakRssMb, 0)} | ${fmt(result.rssBeforeMb, 0)} | ${fmt(result.ttftP50, 1)} / ${fmt(result.ttftP99, 1)} | ${fmt(result.durationP50, 0)} | ${fmt(result.wallMs / 1000, 1)} | ${result.upstreamMaxConcurrent} | ${fmt(result.cpuMsPerStream, 2)} |`,
      );
    }
    lines.push("");
  }
  const aborts = Object.entries(report.aborts);
  if (aborts.length > 0) {
    lines.push(
      "#### Client aborts (each client leaves at its first content delta of a 4 s stream)",
      "",
      "| target | clients | upstream requests | cancelled upstream | cancel delay p50 / max ms |",
      "|---|---:|---:|---:|---:|",
    );
    for (const [target, result] of aborts) {
      lines.push(
        `| ${TARGET_LABELS[target]} | ${result.clients} | ${result.upstreamCalls} | ${result.cancelled} | ${fmt(result.cancelDelayP50Ms, 1)} / ${fmt(result.cancelDelayMaxMs, 1)} |`,
      );
    }
    lines.push(
      "",
      "Counted by the mock provider: a call is cancelled when its connection closed before the answer finished.",
      "",
    );
  }
  const sustain = Object.entries(report.sustain);
  if (sustain.length > 0) {
    lines.push(
      "#### Sustained fixed rate (half the requests streaming)",
      "",
      "| target | rate | seconds | requests | errors | p50 ms | p99 ms | max ms | CPU ms/req | peak RSS MB |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const [target, result] of sustain) {
      lines.push(
        `| ${TARGET_LABELS[target]} | ${result.rate} | ${result.seconds} | ${result.requests} | ${result.errors} | ${fmt(result.p50)} | ${fmt(result.p99)} | ${fmt(result.max)} | ${fmt(result.cpuMsPerRequest, 3)} | ${fmt(result.peakRssMb, 0)} |`,
      );
    }
    lines.push("");
  }
  if (report.runs.length > 0) {
    lines.push(
      "<details><summary>Every run (raw numbers)</summary>",
      "",
      "| round | scenario | target | requests | req/s | p50 ms | p99 ms | TTFT p50 ms | CPU ms/req | errors |",
      "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const run of report.runs) {
      lines.push(
        `| ${run.round} | ${run.scenario} | ${run.target} | ${run.requests} | ${fmt(run.rps, 0)} | ${fmt(run.p50)} | ${fmt(run.p99)} | ${run.ttfts.length > 0 ? fmt(percentile(run.ttfts, 50)) : "–"} | ${fmt(run.cpuMsPerRequest, 3)} | ${run.errors} |`,
      );
    }
    lines.push("", "</details>", "");
  }
  return lines.join("\n");
}

const GATEWAY_START = "<!-- gateway:start -->";
const GATEWAY_END = "<!-- gateway:end -->";
const RESULTS_START = "<!-- gateway-results:start -->";
const RESULTS_END = "<!-- gateway-results:end -->";

const SKELETON = `# Benchmarks

${GATEWAY_START}
## Gateway: overhead per request against Portkey, a raw proxy and the provider itself

${RESULTS_START}
${RESULTS_END}
${GATEWAY_END}

<!-- analytics:start -->
<!-- analytics:end -->
`;

/** Replaces the generated block, creating the file or the gateway section when missing. */
export function writeReport(path: string, report: BenchReport): void {
  let text = existsSync(path) ? readFileSync(path, "utf8") : SKELETON;
  if (!text.includes(GATEWAY_START) || !text.includes(GATEWAY_END)) {
    const section = `${GATEWAY_START}\n## Gateway: overhead per request against Portkey, a raw proxy and the provider itself\n\n${RESULTS_START}\n${RESULTS_END}\n${GATEWAY_END}\n`;
    const analyticsAt = text.indexOf("<!-- analytics:start -->");
    text =
      analyticsAt === -1
        ? `${text.trimEnd()}\n\n${section}`
        : `${text.slice(0, analyticsAt)}${section}\n${text.slice(analyticsAt)}`;
  }
  if (!text.includes("<!-- analytics:start -->"))
    text = `${text.trimEnd()}\n\n<!-- analytics:start -->\n<!-- analytics:end -->\n`;
  const sectionStart = text.indexOf(GATEWAY_START);
  const sectionEnd = text.indexOf(GATEWAY_END);
  let section = text.slice(sectionStart, sectionEnd);
  if (!section.includes(RESULTS_START) || !section.includes(RESULTS_END))
    section = `${section.trimEnd()}\n\n${RESULTS_START}\n${RESULTS_END}\n`;
  const before = section.slice(0, section.indexOf(RESULTS_START) + RESULTS_START.length);
  const after = section.slice(section.indexOf(RESULTS_END));
  section = `${before}\n${renderResults(report)}\n${after}`;
  // Re-read right before writing: another engineer may have changed their section meanwhile.
  const fresh = existsSync(path) ? readFileSync(path, "utf8") : text;
  const base = fresh.includes(GATEWAY_START) && fresh.includes(GATEWAY_END) ? fresh : text;
  const start = base.indexOf(GATEWAY_START);
  const end = base.indexOf(GATEWAY_END);
  writeFileSync(path, `${base.slice(0, start)}${section}${base.slice(end)}`);
  // Formatted as `npm test`'s Prettier check wants it.
  spawnSync(process.execPath, ["node_modules/prettier/bin/prettier.cjs", "--write", path, "--log-level=warn"]);
}
