#!/usr/bin/env node
// Merges the figures the reliability tests wrote to tmp/reliability/*.json and writes them
// into docs/reliability.md between the figures markers. Run by scripts/test-reliability.mjs
// after the suite; `node scripts/reliability-report.mjs [--result passed|failed]` by hand.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const figuresDir = join(root, "tmp", "reliability");
const docFile = join(root, "docs", "reliability.md");
const START = "<!-- figures:start -->";
const END = "<!-- figures:end -->";
const CATEGORIES = {
  A: "requests refused before any provider",
  B: "upstream faults, non-streaming",
  C: "streaming faults",
  D: "load",
  E: "persistence",
  F: "keys, sessions, admin surface",
  G: "outbound requests",
  H: "hostile content in the dashboard",
};

const resultIndex = process.argv.indexOf("--result");
const result = resultIndex === -1 ? "not recorded" : process.argv[resultIndex + 1];

function readAll() {
  if (!existsSync(figuresDir)) return [];
  return readdirSync(figuresDir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({ name: name.slice(0, -5), figures: JSON.parse(readFileSync(join(figuresDir, name), "utf8")) }));
}

function percentile(values, share) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))];
}

const ms = (value) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString("en-US")} ms` : "–");
const mb = (value) => (Number.isFinite(value) ? `${Math.round(value)} MB` : "–");
const int = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–");

function merge(files) {
  const total = {
    faults: {},
    requests: 0,
    logRows: 0,
    crashes: 0,
    unhandledRejections: 0,
    canaryHits: 0,
    unauthenticatedTried: 0,
    unauthenticatedAccepted: 0,
  };
  const lists = {
    revokedKeyRefusalMs: [],
    disconnectToCloseMs: [],
    failoverExtraMs: [],
    lockedWrite: [],
    diskFull: [],
    kill9: [],
  };
  const load = [];
  for (const { name, figures } of files) {
    for (const [category, count] of Object.entries(figures.faults ?? {}))
      total.faults[category] = (total.faults[category] ?? 0) + count;
    for (const field of Object.keys(total)) if (field !== "faults") total[field] += figures[field] ?? 0;
    for (const field of Object.keys(lists)) lists[field].push(...(figures[field] ?? []));
    for (const [variant, entry] of Object.entries(figures.load ?? {})) load.push({ file: name, variant, ...entry });
  }
  return { total, lists, load };
}

function render(files) {
  const { total, lists, load } = merge(files);
  const lines = [];
  const cpu = cpus();
  lines.push(
    `Run of ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpu.length} × ${cpu[0]?.model ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(
        " / ",
      )} when written (the machine is shared); suite result: **${result}**; figure files: ${files.map((file) => file.name).join(", ")}.`,
  );
  lines.push("", "| Figure | Value |", "| --- | --- |");
  const faultTotal = Object.values(total.faults).reduce((sum, count) => sum + count, 0);
  lines.push(
    `| Faults injected | ${int(faultTotal)} (${Object.keys(CATEGORIES)
      .filter((c) => total.faults[c])
      .map((c) => `${c}: ${int(total.faults[c])}`)
      .join(", ")}) |`,
  );
  lines.push(`| Crashes | ${int(total.crashes)} |`);
  lines.push(`| Unhandled rejections / uncaught exceptions | ${int(total.unhandledRejections)} |`);
  lines.push(
    `| Client requests vs log rows | ${int(total.requests)} vs ${int(total.logRows)} (${int(total.requests - total.logRows)} lost) |`,
  );
  lines.push(`| Canary (provider key) hits in responses, rows, output | ${int(total.canaryHits)} |`);
  lines.push(
    `| Unauthenticated calls accepted | ${int(total.unauthenticatedAccepted)} of ${int(total.unauthenticatedTried)} tried |`,
  );
  const revoked = lists.revokedKeyRefusalMs;
  lines.push(
    `| Revoked key refused after (by another process) | max ${ms(Math.max(...revoked))}, median ${ms(percentile(revoked, 0.5))} (${revoked.length} revocations) |`,
  );
  const closes = lists.disconnectToCloseMs;
  lines.push(
    `| Client disconnect → upstream closed | max ${ms(Math.max(...closes))}, median ${ms(percentile(closes, 0.5))} (${closes.length} disconnects) |`,
  );
  for (const entry of lists.failoverExtraMs) {
    lines.push(
      `| Failover extra latency, ${entry.label} (the failed attempt, server-measured) | p50 ${ms(entry.p50)}, p95 ${ms(entry.p95)}; client-side median over a direct request ${ms(entry.clientPairedP50)} (${entry.samples} samples) |`,
    );
  }
  for (const entry of lists.lockedWrite)
    lines.push(
      `| SQLite write-locked by another process for ${ms(entry.lockMs)} | ${entry.requests} requests served, slowest ${ms(entry.maxLatencyMs)}; ${entry.rowsAfter} rows written after |`,
    );
  for (const entry of lists.diskFull)
    lines.push(
      `| Disk full (tmpfs) | ${entry.requests} requests served; ${entry.queuedPeak} rows queued, ${entry.droppedPeak} dropped; drained ${ms(entry.drainedMs)} after space returned; integrity ${entry.integrity} |`,
    );
  for (const entry of lists.kill9)
    lines.push(
      `| kill -9 with ${entry.inFlight} requests in flight | restarted in ${ms(entry.restartMs)}; integrity ${entry.integrity}; ${entry.rowsBefore} rows had landed |`,
    );
  if (load.length > 0) {
    lines.push(
      "",
      "Load (D): every client a stream of 20 tokens, 100–200 ms apart, all started at once; killed clients leave 0–300 ms after their first token. Event-loop lag is the server's own (`nodejs_eventloop_lag_*` over the run), memory its resident set from /proc.",
      "",
    );
    lines.push(
      "| Case | Streams | Upstream peak | Killed | Errors | Requests / rows | Mock calls / attempts | TTFT p50 / p95 | Event-loop lag p99 / max | RSS before / peak / after | Wall |",
    );
    lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const entry of load) {
      const label = entry.variant === "faulty" ? "a tenth killed, a provider failing 1 in 5" : "plain";
      lines.push(
        `| ${label} | ${int(entry.streams)} | ${int(entry.peakConcurrent)} | ${int(entry.killedClients)} | ${int(entry.errors)} | ${int(entry.requests)} / ${int(entry.logRows)} | ${int(entry.mockCalls)} / ${int(entry.attemptsLogged)}${entry.attemptsNeverConnected ? ` (+${int(entry.attemptsNeverConnected)} never connected)` : ""} | ${ms(entry.ttftP50Ms)} / ${ms(entry.ttftP95Ms)} | ${ms(entry.eventLoopLagP99Ms)} / ${ms(entry.eventLoopLagMaxMs)} | ${mb(entry.rssBeforeMb)} / ${mb(entry.rssPeakMb)} / ${mb(entry.rssAfterMb)} | ${ms(entry.wallMs)} |`,
      );
    }
  }
  return lines.join("\n");
}

const files = readAll();
if (files.length === 0) {
  console.error("No figures under tmp/reliability/: run the reliability suite first.");
  process.exit(1);
}
const doc = readFileSync(docFile, "utf8");
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start === -1 || end === -1) {
  console.error(`docs/reliability.md lacks the ${START} … ${END} markers.`);
  process.exit(1);
}
writeFileSync(docFile, `${doc.slice(0, start + START.length)}\n${render(files)}\n${doc.slice(end)}`);
console.log(`Wrote the figures of ${files.length} files into docs/reliability.md`);
