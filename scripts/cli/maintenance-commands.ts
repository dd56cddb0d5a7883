import { rebuildRollups } from "../../db/queries/rollup-rebuild";
import { getSettings } from "../../db/queries/settings";
import { runRetention } from "../../lib/server/retention-job";
import type { Command } from "./command";
import { UsageError, formatTime } from "./output";

export const logsPrune: Command = {
  name: "logs prune",
  summary: "Delete call logs, bodies and audit entries past their retention",
  usage: "",
  description: [
    "Runs one retention pass now, as the server does every few minutes: deletes call log rows",
    "older than the logRetentionDays setting and stored bodies older than bodyRetentionDays",
    "(never later than their row), and audit log entries older than auditRetentionDays, in",
    "batches so a running gateway keeps writing meanwhile.",
    "Hourly rollups (the dashboard's charts) are kept.",
  ].join("\n"),
  options: {},
  optionHelp: [],
  positionals: { min: 0, max: 0 },
  async run(_input, context) {
    const db = await context.db();
    const settings = await getSettings(db);
    // No job lock: the server's retention job keeps it between passes, and deleting rows
    // that are past their retention twice over is harmless.
    const result = await runRetention(db, settings, Date.now(), { pause: () => Promise.resolve() });
    context.stdout(
      `Deleted ${result.deletedLogs} log rows older than ${settings.logRetentionDays} days (before ${formatTime(result.logCutoff)}) ` +
        `and ${result.deletedBodies} stored bodies (before ${formatTime(result.bodyCutoff)}); ` +
        `${result.deletedAuditEntries} audit entries older than ${settings.auditRetentionDays} days.`,
    );
    return 0;
  },
};

export const rollupsRebuild: Command = {
  name: "rollups rebuild",
  summary: "Recompute the hourly usage rollups from the call logs",
  usage: "[--from ISO] [--to ISO]",
  description: [
    "Recomputes the hourly rollups the dashboard's charts read from the stored log rows, a day",
    "per transaction. By default it covers the whole hours the stored rows span; hours whose",
    "rows retention already deleted are left alone, so their history stays.",
  ].join("\n"),
  options: { from: { type: "string" }, to: { type: "string" } },
  optionHelp: [
    ["--from ISO", "first hour to recompute (default: the first whole hour of the stored rows)"],
    ["--to ISO", "end of the range, exclusive (default: the newest row's hour)"],
  ],
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const time = (name: string): number | undefined => {
      const value = values[name];
      if (typeof value !== "string") return undefined;
      const at = Date.parse(value);
      if (Number.isNaN(at))
        throw new UsageError(`--${name} ${value}: expected an ISO 8601 time such as 2026-01-31T00:00:00Z`);
      return at;
    };
    const from = time("from");
    const to = time("to");
    const db = await context.db();
    const result = await rebuildRollups(db, { from, to });
    if (result.hours === 0) context.stdout("No stored log rows in that range: nothing to rebuild.");
    else
      context.stdout(
        `Rebuilt ${result.hours} hours (${formatTime(result.from)} to ${formatTime(result.to)}): ${result.rollupRows} rollup rows.`,
      );
    return 0;
  },
};
