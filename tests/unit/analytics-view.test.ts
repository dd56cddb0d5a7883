import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HourlyUsage, OverviewAnalytics } from "../../db/queries/analytics";
import { buildOverview } from "../../lib/analytics/overview";
import { overviewSearchSchema, resolveOverviewRange } from "../../lib/analytics/overview-range";
import { parseLogSearch, toCallLogFilters } from "../../lib/call-log-filters";
import { csvCell, csvRow } from "../../lib/csv";
import { inertBlock, inertLine } from "../../lib/inert-text";
import { parseZonedDateTime, resolveTimeZone, startOfZonedDay, zonedDayKey, zoneOffsetAt } from "../../lib/time-zone";

const HOUR = 3_600_000;

function hour(hourStart: number, requests: number, failures = 0): HourlyUsage {
  return {
    hourStart,
    requests,
    successes: requests - failures,
    failures,
    promptTokens: requests * 10,
    completionTokens: requests * 5,
    cachedTokens: 0,
    cost: requests * 0.01,
    totalLatencyMs: requests * 300,
    latencyCount: requests,
    totalTtftMs: 0,
    ttftCount: 0,
    latencyBuckets: [0, 0, requests, 0, 0, 0, 0, 0, 0],
    ttftBuckets: [0, 0, 0, 0, 0, 0, 0, 0, 0],
  };
}

const empty: Omit<OverviewAnalytics, "hourly"> = { byGroup: [], byProvider: [], byKey: [] };

describe("time zones", () => {
  it("finds local midnight across a DST change (America/New_York, 1 Nov 2026)", () => {
    assert.equal(startOfZonedDay({ year: 2026, month: 10, day: 31 }, "America/New_York"), Date.UTC(2026, 9, 31, 4));
    assert.equal(startOfZonedDay({ year: 2026, month: 11, day: 1 }, "America/New_York"), Date.UTC(2026, 10, 1, 4));
    assert.equal(
      startOfZonedDay({ year: 2026, month: 11, day: 2 }, "America/New_York"),
      Date.UTC(2026, 10, 2, 5),
      "EST after the change",
    );
    assert.equal(zoneOffsetAt(Date.UTC(2026, 6, 1), "Asia/Tokyo"), 9 * HOUR);
    assert.equal(zonedDayKey(Date.UTC(2026, 10, 25, 15, 30), "Asia/Tokyo"), "2026-11-26");
    assert.equal(parseZonedDateTime("2026-11-26T09:30", "Asia/Kolkata"), Date.UTC(2026, 10, 26, 4, 0));
    assert.equal(parseZonedDateTime("2026-02-30T09:30", "UTC"), null);
  });

  it("falls back to the server's zone for an empty or unknown setting", () => {
    const server = Intl.DateTimeFormat().resolvedOptions().timeZone;
    assert.equal(resolveTimeZone(""), server);
    assert.equal(resolveTimeZone("Not/AZone"), server);
    assert.equal(resolveTimeZone("Europe/Berlin"), "Europe/Berlin");
  });
});

describe("overview model", () => {
  it("buckets hours into local days of the configured zone, DST included", () => {
    const zone = "America/New_York";
    const now = Date.UTC(2026, 10, 3, 17, 20);
    const range = resolveOverviewRange(overviewSearchSchema.parse({ range: "7d" }), now, zone);
    assert.equal(range.granularity, "day");
    assert.equal(range.from, Date.UTC(2026, 9, 28, 4), "local midnight seven days back (EDT)");
    assert.equal(range.to, Date.UTC(2026, 10, 3, 18));
    const analytics = {
      ...empty,
      hourly: [
        hour(Date.UTC(2026, 10, 1, 3), 5), // 23:00 EDT on 31 Oct
        hour(Date.UTC(2026, 10, 1, 4), 7, 1), // 00:00 EDT on 1 Nov
        hour(Date.UTC(2026, 10, 2, 4), 11), // 23:00 EST on 1 Nov
        hour(Date.UTC(2026, 10, 2, 5), 13), // 00:00 EST on 2 Nov
      ],
    };
    const model = buildOverview(analytics, range, zone);
    assert.equal(model.series.length, 7);
    const byDay = new Map(model.series.map((point) => [zonedDayKey(point.start, zone), point.requests]));
    assert.equal(byDay.get("2026-10-31"), 5);
    assert.equal(byDay.get("2026-11-01"), 18, "the 25-hour day holds both hours");
    assert.equal(byDay.get("2026-11-02"), 13);
    assert.equal(model.kpis.requests, 36);
    assert.equal(model.kpis.failures, 1);
    assert.equal(model.kpis.avgLatencyMs, 300);
    assert.ok(model.kpis.p95LatencyMs !== null && model.kpis.p95LatencyMs > 250 && model.kpis.p95LatencyMs <= 500);
    assert.equal(model.kpis.p95TtftMs, null, "no streaming requests, no TTFT");
  });

  it("shows the last 24 hours by hour, empty hours as zero", () => {
    const now = Date.UTC(2026, 10, 26, 10, 15);
    const range = resolveOverviewRange(overviewSearchSchema.parse({}), now, "UTC");
    assert.equal(range.preset, "24h");
    const model = buildOverview({ ...empty, hourly: [hour(Date.UTC(2026, 10, 26, 10), 4)] }, range, "UTC");
    assert.equal(model.series.length, 24);
    assert.equal(model.series.at(-1)?.requests, 4);
    assert.equal(model.series[0]?.requests, 0);
    assert.equal(model.series[0]?.successRate, null);
  });

  it("validates custom ranges and falls back when they make no sense", () => {
    const now = Date.UTC(2026, 10, 26);
    const ok = resolveOverviewRange(
      overviewSearchSchema.parse({ range: "custom", from: "2026-11-01", to: "2026-11-02" }),
      now,
      "Asia/Tokyo",
    );
    assert.equal(ok.granularity, "hour");
    assert.equal(ok.from, Date.UTC(2026, 9, 31, 15));
    assert.equal(ok.to, Date.UTC(2026, 10, 2, 15));
    for (const params of [
      { range: "custom", from: "2026-11-05", to: "2026-11-01" },
      { range: "custom", from: "2020-01-01", to: "2026-11-01" },
      { range: "custom", from: "2026-13-01", to: "x" },
    ]) {
      assert.equal(
        resolveOverviewRange(overviewSearchSchema.parse(params), now, "UTC").isInvalidCustom,
        true,
        JSON.stringify(params),
      );
    }
    assert.equal(
      overviewSearchSchema.parse({ range: ["7d", "30d"] }).range,
      "24h",
      "anything odd in the URL means the default",
    );
  });
});

describe("call log search parameters", () => {
  it("keeps valid filters, drops and reports invalid ones, and bounds the text", () => {
    const { search, invalid } = parseLogSearch(
      new URLSearchParams({
        group: "smart",
        provider: "x",
        status: "5xx",
        stream: "maybe",
        q: `  ${"a".repeat(500)} `,
        before: "1700000000000_42",
      }),
    );
    assert.equal(search.group, "smart");
    assert.equal(search.status, "5xx");
    assert.equal(search.q?.length, 200);
    assert.deepEqual(invalid.sort(), ["provider", "stream"]);
    const filters = toCallLogFilters({ ...search, from: "2026-11-26T09:00", to: "2026-11-26T09:30" }, "Asia/Tokyo");
    assert.equal(filters.from, Date.UTC(2026, 10, 26, 0, 0));
    assert.equal(filters.to, Date.UTC(2026, 10, 26, 0, 31), "the end minute is included");
    assert.equal(filters.groupName, "smart");
  });
});

describe("CSV export cells", () => {
  it("quotes separators and neutralizes formulas", () => {
    assert.equal(csvCell('say "hi", then\nleave'), '"say ""hi"", then\nleave"');
    assert.equal(csvCell('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
    for (const start of ["+", "-", "@", "\t", "\r"])
      assert.ok(csvCell(`${start}1+2`).startsWith(start === "\r" ? '"' : "'"), JSON.stringify(start));
    assert.equal(csvCell(-3), "-3", "numbers are numbers");
    assert.equal(csvCell(null), "");
    assert.equal(csvRow(["a", 1, true, null]), "a,1,true,\r\n");
  });
});

describe("inert text", () => {
  it("shows control and bidi characters visibly and cuts long lines", () => {
    assert.equal(inertLine("a\u0007b\u202Ec", 50), "a\u2407b\uFFFDc");
    const huge = `${"x".repeat(1_000_000)}`;
    const line = inertLine(huge, 100);
    assert.equal(line.length, 101);
    assert.ok(line.endsWith("…"));
    const block = inertBlock(`<script>alert(1)</script>\n${huge}`, 1_000);
    assert.equal(block.isTruncated, true);
    assert.equal(block.text.length, 1_000);
    assert.ok(block.text.startsWith("<script>"), "markup stays text; React escapes it");
    assert.equal(inertBlock("😀😀", 3).text, "😀", "never splits a surrogate pair");
  });
});
