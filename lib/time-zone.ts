/*
 * Wall-clock arithmetic in an IANA time zone, with nothing but Intl: the dashboard shows
 * times in the zone the operator chose (settings.timeZone, empty = the server's), and a
 * "day" on a chart is a day in that zone, DST changes included.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone === "") return false;
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The zone to show times in: the setting when it names a real zone, else the server's. */
export function resolveTimeZone(setting: string): string {
  return isValidTimeZone(setting) ? setting : serverTimeZone();
}

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const values: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(epochMs)) {
    if (part.type !== "literal") values[part.type] = Number(part.value);
  }
  return {
    year: values.year ?? 1970,
    month: values.month ?? 1,
    day: values.day ?? 1,
    hour: (values.hour ?? 0) % 24,
    minute: values.minute ?? 0,
    second: values.second ?? 0,
  };
}

/** Local time minus UTC at that instant, in ms (e.g. +9 h for Asia/Tokyo). */
export function zoneOffsetAt(epochMs: number, timeZone: string): number {
  const wall = wallClockAt(epochMs, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time happens in the zone. Two passes settle DST changes; a time
 * skipped by a spring-forward gap lands just after the gap, as a clock would show it.
 */
export function zonedTimeToEpoch(wall: Omit<WallClock, "second"> & { second?: number }, timeZone: string): number {
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
  let guess = local - zoneOffsetAt(local, timeZone);
  guess = local - zoneOffsetAt(guess, timeZone);
  return guess;
}

/** `YYYY-MM-DD` of the local day an instant falls in. */
export function zonedDayKey(epochMs: number, timeZone: string): string {
  const wall = wallClockAt(epochMs, timeZone);
  return formatDayKey(wall.year, wall.month, wall.day);
}

export function formatDayKey(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

export function parseDayKey(key: string): CalendarDay | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** The calendar day `days` after (or before) the given one. */
export function addDays(day: CalendarDay, days: number): CalendarDay {
  const date = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Local midnight of a calendar day in the zone, as epoch ms. */
export function startOfZonedDay(day: CalendarDay, timeZone: string): number {
  return zonedTimeToEpoch({ ...day, hour: 0, minute: 0 }, timeZone);
}

/** `YYYY-MM-DDTHH:mm` (an `<input type="datetime-local">` value) read in the zone. */
export function parseZonedDateTime(value: string, timeZone: string): number | null {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const day = parseDayKey(match[1] ?? "");
  const hour = Number(match[2]);
  const minute = Number(match[3]);
  if (!day || hour > 23 || minute > 59) return null;
  return zonedTimeToEpoch({ ...day, hour, minute }, timeZone);
}

/** The `datetime-local` value showing an instant in the zone. */
export function formatZonedDateTime(epochMs: number, timeZone: string): string {
  const wall = wallClockAt(epochMs, timeZone);
  return `${formatDayKey(wall.year, wall.month, wall.day)}T${String(wall.hour).padStart(2, "0")}:${String(wall.minute).padStart(2, "0")}`;
}
