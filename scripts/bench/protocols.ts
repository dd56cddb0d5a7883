/**
 * The protocol phase of `npm run bench`: what translating between chat completions and
 * Anthropic's Messages (and serving the Responses API) costs. The same server answers five
 * flows, each as JSON and as a stream, on 10 connections: chat → an OpenAI endpoint and
 * messages → an Anthropic endpoint (byte passthrough); chat → Anthropic, messages → OpenAI and
 * responses → OpenAI (translated through the neutral form).
 * The goal: a translated request costs at most 0.3 ms more CPU than a passthrough one of the
 * same ingress. Written between `<!-- protocols:start -->` and `<!-- protocols:end -->`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fmt, median } from "./stats";

export interface Flow {
  id: string;
  path: "/v1/chat/completions" | "/v1/messages" | "/v1/responses";
  group: string;
  isTranslated: boolean;
  /** The passthrough flow of the same ingress this one is compared with. */
  baseline: string | null;
}

export interface FlowRun {
  flow: string;
  stream: boolean;
  round: number;
  requests: number;
  rps: number;
  p50: number;
  errors: number;
  cpuMsPerRequest: number;
}

/** `openaiGroup` has OpenAI-compatible providers, `anthropicGroup` Anthropic ones. */
export function protocolFlows(openaiGroup: string, anthropicGroup: string): Flow[] {
  return [
    { id: "chat → OpenAI", path: "/v1/chat/completions", group: openaiGroup, isTranslated: false, baseline: null },
    {
      id: "chat → Anthropic",
      path: "/v1/chat/completions",
      group: anthropicGroup,
      isTranslated: true,
      baseline: "chat → OpenAI",
    },
    { id: "messages → Anthropic", path: "/v1/messages", group: anthropicGroup, isTranslated: false, baseline: null },
    {
      id: "messages → OpenAI",
      path: "/v1/messages",
      group: openaiGroup,
      isTranslated: true,
      baseline: "messages → Anthropic",
    },
    // The Responses API is always translated; its baseline is the chat request it becomes.
    {
      id: "responses → OpenAI",
      path: "/v1/responses",
      group: openaiGroup,
      isTranslated: true,
      baseline: "chat → OpenAI",
    },
  ];
}

const SYSTEM = "You are a concise assistant. Answer in one short paragraph.";
const QUESTION =
  "Explain in plain words what an API gateway in front of several language-model providers does, and why it should add as little latency as possible to every request it relays.";

/** The same question in the ingress's own shape. */
export function flowBody(flow: Flow, stream: boolean): string {
  const common = { model: flow.group, max_tokens: 128, temperature: 0.2, ...(stream ? { stream: true } : {}) };
  if (flow.path === "/v1/responses") {
    const { max_tokens: maxTokens, ...rest } = common;
    return JSON.stringify({ ...rest, max_output_tokens: maxTokens, instructions: SYSTEM, input: QUESTION });
  }
  if (flow.path === "/v1/messages")
    return JSON.stringify({ ...common, system: SYSTEM, messages: [{ role: "user", content: QUESTION }] });
  return JSON.stringify({
    ...common,
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: QUESTION },
    ],
  });
}

interface Row {
  flow: Flow;
  stream: boolean;
  cpu: number;
  p50: number;
  rps: number;
  errors: number;
}

function summarize(flows: readonly Flow[], runs: readonly FlowRun[]): Row[] {
  const rows: Row[] = [];
  for (const stream of [false, true]) {
    for (const flow of flows) {
      const mine = runs.filter((run) => run.flow === flow.id && run.stream === stream);
      if (mine.length === 0) continue;
      rows.push({
        flow,
        stream,
        cpu: median(mine.map((run) => run.cpuMsPerRequest)),
        p50: median(mine.map((run) => run.p50)),
        rps: median(mine.map((run) => run.rps)),
        errors: mine.reduce((sum, run) => sum + run.errors, 0),
      });
    }
  }
  return rows;
}

export function renderProtocols(flows: readonly Flow[], runs: readonly FlowRun[], header: string): string {
  const rows = summarize(flows, runs);
  const lines = [
    "<!-- protocols:start -->",
    "",
    "## Protocol translation: what a translated request costs over passthrough",
    "",
    header,
    "",
    "CPU of our server per request, closed loop on 10 connections, median over rounds. Passthrough flows relay the",
    "client's bytes (only `model` replaced); translated ones go through the neutral form (lib/translate) both ways.",
    "Goal: **translated − passthrough ≤ 0.3 ms CPU** per request, for each ingress, JSON and stream.",
    "",
    "| mode | flow | req/s | p50 ms | CPU ms/req | over passthrough | errors |",
    "|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    const base = rows.find((other) => other.stream === row.stream && other.flow.id === row.flow.baseline);
    const extra = base ? row.cpu - base.cpu : Number.NaN;
    const verdict = base ? `${fmt(extra, 3)} ${extra <= 0.3 ? "✅" : "❌"}` : "–";
    lines.push(
      `| ${row.stream ? "stream" : "JSON"} | ${row.flow.id} | ${fmt(row.rps, 0)} | ${fmt(row.p50)} | ${fmt(row.cpu, 3)} | ${verdict} | ${row.errors} |`,
    );
  }
  lines.push("", "<!-- protocols:end -->");
  return lines.join("\n");
}

/** Replaces the block between `<!-- name:start -->` and `<!-- name:end -->`, or appends it. */
export function writeSection(path: string, name: string, block: string): void {
  const current = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const pattern = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);
  writeFileSync(
    path,
    pattern.test(current) ? current.replace(pattern, () => block) : `${current.trimEnd()}\n\n${block}\n`,
  );
}
