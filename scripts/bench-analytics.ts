// `npm run bench:analytics [-- --runs 15] [--no-write] [--http http://127.0.0.1:8001]`: times,
// against the store DATABASE_URL names (fill it first with `npm run seed:logs -- 2000000`),
// the server-side work of the dashboard pages that must stay fast with millions of log rows:
// every query of the overview as the page runs them (for each preset range), the first call
// log page and filtered ones, each the median of several runs after a warm-up. With --http
// (a server running on the same store; BENCH_ADMIN_PASSWORD, and BENCH_ADMIN_USER if not
// "admin") it also times the whole pages over HTTP: session check, queries, React rendering
// and the HTML download. The figures replace the analytics section of docs/benchmarks.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { getDialect } from "../db/client";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { listApiKeys } from "../db/queries/api-keys";
import { searchCallLogs, type CallLogFilters, type CallLogSearchPage } from "../db/queries/call-log-search";
import { countCallLogs } from "../db/queries/call-logs";
import { listGroups } from "../db/queries/groups";
import { listProviders } from "../db/queries/providers";
import type { Database } from "../db/schema";
import { loadOverview } from "../lib/analytics/overview";
import type { RangePreset } from "../lib/analytics/overview-range";
import { getEnv } from "../lib/env";
import { serverTimeZone } from "../lib/time-zone";

const root = new URL("..", import.meta.url).pathname;
if (existsSync(join(root, ".env"))) process.loadEnvFile(join(root, ".env"));

const START_MARKER = "<!-- analytics:start -->";
const END_MARKER = "<!-- analytics:end -->";
const PAGE_ROWS = 50;

interface Measurement {
  name: string;
  target: number | null;
  medianMs: number;
  p90Ms: number;
  note: string;
}

async function time(runs: number, task: () => Promise<unknown>): Promise<{ median: number; p90: number }> {
  await task();
  await task();
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const startedAt = performance.now();
    await task();
    samples.push(performance.now() - startedAt);
  }
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)] ?? 0,
    p90: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.9))] ?? 0,
  };
}

/** What the logs page runs: one search plus the filter lists. */
function logsPage(db: Kysely<Database>, filters: CallLogFilters, before?: CallLogSearchPage["next"]) {
  return Promise.all([
    searchCallLogs(db, { ...filters, limit: PAGE_ROWS, before: before ?? undefined }),
    listProviders(db),
    listGroups(db),
    listApiKeys(db),
  ]);
}

async function pickFilters(db: Kysely<Database>): Promise<{ groupName: string; providerId: number | undefined }> {
  const group = await db
    .selectFrom("usage_hourly")
    .select("group_name")
    .where("group_name", "<>", "")
    .groupBy("group_name")
    .orderBy("group_name")
    .executeTakeFirst();
  const provider = await db
    .selectFrom("call_logs")
    .select("provider_id")
    .where("provider_id", "is not", null)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return { groupName: group?.group_name ?? "seed-gpt-4o", providerId: provider?.provider_id ?? undefined };
}

/** Signs in through Auth.js's credentials endpoint and returns the cookie header. */
async function signIn(baseUrl: string): Promise<string> {
  const password = process.env.BENCH_ADMIN_PASSWORD;
  if (!password) throw new Error("--http needs BENCH_ADMIN_PASSWORD (and BENCH_ADMIN_USER unless it is admin)");
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = (pair ?? "").split("=");
      if (name) jar.set(name.trim(), value.join("="));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const body = new URLSearchParams({ csrfToken, username: process.env.BENCH_ADMIN_USER ?? "admin", password });
  const login = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    body,
    headers: { cookie: cookie() },
    redirect: "manual",
  });
  keep(login);
  if (![...jar.keys()].some((name) => name.includes("session-token")))
    throw new Error("sign-in failed: check BENCH_ADMIN_PASSWORD");
  return cookie();
}

async function measurePages(baseUrl: string, runs: number, filter: string): Promise<Measurement[]> {
  const cookie = await signIn(baseUrl);
  const pages: [string, string, number | null][] = [
    ["Page /en/account (baseline: layout, session, messages)", "/en/account", null],
    ["Page: overview, 24h", "/en", 300],
    ["Page: overview, 7d", "/en?range=7d", 300],
    ["Page: overview, 30d", "/en?range=30d", 300],
    ["Page: logs, first page", "/en/logs", 200],
    ["Page: logs, filtered", `/en/logs?${filter}`, 300],
  ];
  const results: Measurement[] = [];
  for (const [name, path, target] of pages) {
    let bytes = 0;
    const { median, p90 } = await time(runs, async () => {
      const response = await fetch(`${baseUrl}${path}`, { headers: { cookie } });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      bytes = text.length;
    });
    results.push({
      name,
      target,
      medianMs: median,
      p90Ms: p90,
      note: `GET ${path}, whole HTML (${Math.round(bytes / 1024)} KB)`,
    });
    console.log(`${name}: median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms`);
  }
  return results;
}

function section(measurements: Measurement[], facts: string[]): string {
  const rows = measurements.map((m) => {
    const target = m.target === null ? "—" : `< ${m.target} ms`;
    const verdict = m.target === null ? "" : m.medianMs < m.target ? " ✅" : " ❌";
    return `| ${m.name} | ${m.medianMs.toFixed(1)} ms${verdict} | ${m.p90Ms.toFixed(1)} ms | ${target} | ${m.note} |`;
  });
  return [
    START_MARKER,
    "## Analytics and call logs",
    "",
    ...facts,
    "",
    "| What (server-side, as the page runs it) | Median | p90 | Target | Notes |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "Written by `npm run bench:analytics`; see docs/analytics.md for how these stay bounded.",
    END_MARKER,
  ].join("\n");
}

function writeSection(text: string): string {
  const file = join(root, "docs", "benchmarks.md");
  const current = existsSync(file)
    ? readFileSync(file, "utf8")
    : "# Benchmarks\n\nFigures measured on the development machines; each section is written by its script.\n";
  const start = current.indexOf(START_MARKER);
  const end = current.indexOf(END_MARKER);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${text}${current.slice(end + END_MARKER.length)}`
      : `${current.trimEnd()}\n\n${text}\n`;
  writeFileSync(file, next);
  return file;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runsIndex = argv.indexOf("--runs");
  const runs = runsIndex >= 0 ? Number(argv[runsIndex + 1]) : 15;
  const db = createDb(getEnv().DATABASE_URL);
  try {
    await migrateToLatest(db);
    const rowCount = await countCallLogs(db);
    const countRows = async (table: "usage_hourly" | "usage_hours" | "usage_daily") =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      ).toLocaleString("en-US");
    const rollups = `${await countRows("usage_hourly")} usage_hourly, ${await countRows("usage_hours")} usage_hours and ${await countRows("usage_daily")} usage_daily rows`;
    if (rowCount < 1_000_000)
      console.warn(`Only ${rowCount.toLocaleString("en-US")} log rows: seed first (npm run seed:logs -- 2000000).`);
    const loadBefore = loadavg()[0] ?? 0;
    const timeZone = serverTimeZone();
    const measurements: Measurement[] = [];
    const measure = async (name: string, target: number | null, note: string, task: () => Promise<unknown>) => {
      const { median, p90 } = await time(runs, task);
      measurements.push({ name, target, medianMs: median, p90Ms: p90, note });
      console.log(`${name}: median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms`);
    };

    for (const range of ["24h", "7d", "30d"] as RangePreset[]) {
      await measure(
        `Overview, ${range}`,
        300,
        "rollups only: usage_hours + usage_daily/usage_hourly, local-day bucketing",
        () => loadOverview(db, { range }, Date.now(), timeZone),
      );
    }
    await measure("Logs, first page", 200, `${PAGE_ROWS} newest rows + filter lists`, () => logsPage(db, {}));

    const { groupName, providerId } = await pickFilters(db);
    const filtered: CallLogFilters = { groupName, statusClass: "5xx", errorText: "timeout" };
    const first = await searchCallLogs(db, { ...filtered, limit: PAGE_ROWS });
    await measure(
      "Logs, filtered: group + 5xx + error text",
      300,
      `group "${groupName}", 5xx, "timeout": ${first.rows.length} rows on the page`,
      () => logsPage(db, filtered),
    );
    if (first.next) {
      await measure("Logs, filtered, next page", 300, "keyset cursor from the page before", () =>
        logsPage(db, filtered, first.next),
      );
    }
    await measure(
      "Logs, error text found nowhere",
      300,
      "worst case: one bounded scan window (20,000 rows), then “search older”",
      () => logsPage(db, { errorText: "no such text anywhere" }),
    );
    if (providerId !== undefined) {
      await measure("Logs, provider + streaming + 4xx", 300, "two residual filters on the provider's index walk", () =>
        logsPage(db, { providerId, isStream: true, statusClass: "4xx" }),
      );
    }
    let deep = await searchCallLogs(db, { limit: PAGE_ROWS });
    for (let page = 0; page < 200 && deep.next; page += 1)
      deep = await searchCallLogs(db, { limit: PAGE_ROWS, before: deep.next });
    await measure("Logs, page 201 (10,000 rows deep)", 200, "keyset: as cheap as page 1", () =>
      logsPage(db, {}, deep.next),
    );

    const httpIndex = argv.indexOf("--http");
    const httpBase = httpIndex >= 0 ? argv[httpIndex + 1] : undefined;
    if (httpBase) {
      const filter = new URLSearchParams({ group: groupName, status: "5xx", q: "timeout" }).toString();
      measurements.push(...(await measurePages(httpBase.replace(/\/$/, ""), runs, filter)));
    }

    const loadAfter = loadavg()[0] ?? 0;
    const facts = [
      `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${getDialect(db) === "sqlite" ? "SQLite (better-sqlite3, WAL)" : "PostgreSQL"} holding **${rowCount.toLocaleString("en-US")} call log rows** over 30 days (\`npm run seed:logs -- 2000000\`), with ${rollups}.`,
      `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, Node ${process.version}; 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after (other engineers build and test on the same machine, so figures are noisy).`,
      `Each figure is the median (and 90th percentile) of ${runs} runs after two warm-up runs. The first rows are timed in-process around the same functions the pages call (database + formatting model), with the database file in the OS cache.`,
      ...(httpBase
        ? [
            `The "Page:" rows are whole requests to the production server (\`npm start\` build, same store, signed in) timed from the client: session check, queries, React server rendering and the HTML download; the account page shows what every dashboard page costs before its own work.`,
          ]
        : []),
    ];
    if (!argv.includes("--no-write")) console.log(`Wrote ${writeSection(section(measurements, facts))}`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
