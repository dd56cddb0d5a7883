/** A failure the CLI reports as one line on stderr, exiting 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** A mistake in the command line itself: one line, a pointer to --help, exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Left-aligned columns separated by two spaces; the header row first. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function formatTime(epochMs: number | null, empty = "-"): string {
  return epochMs === null ? empty : new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const UNITS_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * `--expires`: a duration from now (`90m`, `12h`, `30d`, `2w`, `1y`), an ISO 8601 time, or
 * `never`. Returns epoch ms or null.
 */
export function parseExpiry(value: string, now: number): number | null {
  const text = value.trim();
  if (text === "never") return null;
  const duration = /^(\d{1,6})([mhdwy])$/.exec(text);
  if (duration) {
    const amount = Number(duration[1]);
    if (amount === 0) throw new UsageError(`--expires ${text}: the duration must be more than zero`);
    return now + amount * (UNITS_MS[duration[2] ?? "d"] ?? 0);
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at))
    throw new UsageError(`--expires ${text}: expected a duration such as 30d, 12h or 2w, an ISO date, or "never"`);
  if (at <= now) throw new UsageError(`--expires ${text}: that time has already passed`);
  return at;
}
