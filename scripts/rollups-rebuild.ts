// `npm run rollups:rebuild [-- --from 2026-11-01T00:00Z] [--to 2026-11-26T00:00Z]`: recomputes
// the hourly rollups the dashboard charts read from the raw call log rows, an hour range
// per transaction (db/queries/rollup-rebuild.ts), against the store DATABASE_URL names
// (.env is read). Without --from it starts at the first whole hour of the stored rows, so
// hours whose rows retention already deleted keep their rollups.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { rebuildRollups } from "../db/queries/rollup-rebuild";
import { getEnv } from "../lib/env";

const root = new URL("..", import.meta.url).pathname;
if (existsSync(join(root, ".env"))) process.loadEnvFile(join(root, ".env"));

function readTime(argv: string[], name: string): number | undefined {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = argv[index + 1] ?? "";
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time))
    throw new Error(`--${name} expects an ISO date/time (e.g. 2026-11-01T00:00Z) or epoch milliseconds`);
  return time;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const from = readTime(argv, "from");
  const to = readTime(argv, "to");
  const db = createDb(getEnv().DATABASE_URL);
  try {
    await migrateToLatest(db);
    const startedAt = performance.now();
    const result = await rebuildRollups(db, {
      from,
      to,
      onProgress: (progress) => {
        const share =
          progress.to > progress.from ? (progress.doneUntil - progress.from) / (progress.to - progress.from) : 1;
        process.stdout.write(
          `\r${Math.round(share * 100)}% (${progress.rollupRows.toLocaleString("en-US")} rollup rows)`,
        );
      },
    });
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    const range =
      result.hours > 0
        ? `${new Date(result.from).toISOString()} – ${new Date(result.to).toISOString()}`
        : "nothing to do";
    console.log(
      `\nRebuilt ${result.hours} hours (${range}): ${result.rollupRows.toLocaleString("en-US")} rollup rows in ${seconds} s.`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
